// Shared plumbing for the scenario scripts the .NET test suite runs against EmbeddedKafka.
// Contract with the tests: options on the command line (--bootstrap falls back to KAFKA_BOOTSTRAP_SERVERS),
// exactly one JSON document on stdout on success (exit 0), the reason on stderr and a non-zero exit on
// failure, and a watchdog so a script never outlives --timeout-ms (exit 2).
import { parseArgs } from 'node:util'
import { Kafka, logLevel as LogLevel } from 'kafkajs'

/**
 * Runs a scenario: parses options, arms the watchdog, prints the result as JSON.
 * @param {Record<string, {type: 'string'|'boolean', default?: string|boolean}>} optionSpec scenario options
 * @param {(ctx: Context) => Promise<unknown>} scenario the scenario; its return value is the JSON result
 */
export async function runScenario(optionSpec, scenario) {
  const { values } = parseArgs({
    options: {
      bootstrap: { type: 'string', default: process.env.KAFKA_BOOTSTRAP_SERVERS },
      'timeout-ms': { type: 'string', default: '60000' },
      ...optionSpec,
    },
    strict: true,
  })
  if (!values.bootstrap) {
    fail('no bootstrap address: pass --bootstrap host:port or set KAFKA_BOOTSTRAP_SERVERS', 64)
    return
  }

  const ctx = new Context(values)
  const timeoutMs = Number(values['timeout-ms'])
  const watchdog = setTimeout(
    () => fail(`timed out after ${timeoutMs} ms while: ${ctx.currentStep}`, 2),
    timeoutMs
  )
  try {
    const result = await scenario(ctx)
    clearTimeout(watchdog)
    process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(0))
  } catch (error) {
    fail(`failed while: ${ctx.currentStep}\n${describeError(error)}`, 1)
  }
}

/** Formats a KafkaJS error with the fields the tests and a reader need (type, code, cause chain). */
export function describeError(error) {
  const parts = []
  for (const e of causeChain(error)) {
    const line = `${e.name}${e.type ? ` [${e.type}]` : ''}: ${e.message}`
    if (parts[parts.length - 1] !== line) {
      parts.push(line)
    }
  }
  const innermost = causeChain(error).pop()
  return parts.join('\ncaused by ') + (innermost?.stack ? `\n${innermost.stack}` : '')
}

/** The error's Kafka protocol type (e.g. INVALID_PRODUCER_EPOCH), looking through KafkaJS's wrappers. */
export function errorType(error) {
  return causeChain(error).find(e => e.type)?.type ?? error?.name ?? 'UNKNOWN'
}

// KafkaJS wraps errors (originalError, cause); the chain is bounded in case a wrapper points back.
function causeChain(error) {
  const chain = []
  for (let e = error; e && chain.length < 10 && !chain.includes(e); e = e.cause || e.originalError) {
    chain.push(e)
  }
  return chain
}

function fail(message, exitCode) {
  process.stderr.write(message + '\n', () => process.exit(exitCode))
}

class Context {
  constructor(options) {
    this.options = options
    this.currentStep = 'starting'
    this.clients = []
  }

  /** Names what the scenario is doing, so a timeout says where it hung. */
  step(description) {
    this.currentStep = description
  }

  /** A KafkaJS client with short timeouts and bounded retries; its log goes to stderr. */
  kafka(clientId) {
    const level = LogLevel[(process.env.KAFKAJS_LOG_LEVEL || 'ERROR').toUpperCase()] ?? LogLevel.ERROR
    return new Kafka({
      clientId,
      brokers: [this.options.bootstrap],
      connectionTimeout: 5000,
      requestTimeout: 15000,
      retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2000 },
      logLevel: level,
      logCreator: () => ({ namespace, level: entryLevel, label, log }) => {
        const { message, timestamp, ...extra } = log
        process.stderr.write(`${timestamp} ${label} [${namespace}] ${message} ${JSON.stringify(extra)}\n`)
      },
    })
  }

  /** Connects a client and remembers it so that close() disconnects it. */
  async connect(client) {
    await client.connect()
    this.clients.push(client)
    return client
  }

  /** Disconnects one client connected through connect(). */
  async disconnect(client) {
    this.clients = this.clients.filter(c => c !== client)
    await client.disconnect()
  }

  /** Disconnects every client connected through connect(), newest first. */
  async close() {
    for (const client of this.clients.reverse()) {
      await client.disconnect()
    }
    this.clients = []
  }
}

/** The JSON shape of a consumed record. */
export function recordOf(topic, partition, message) {
  const headers = {}
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    headers[name] = Buffer.isBuffer(value) ? value.toString('utf8') : String(value)
  }
  return {
    topic,
    partition,
    offset: Number(message.offset),
    key: message.key === null ? null : message.key.toString('utf8'),
    value: message.value === null ? null : message.value.toString('utf8'),
    headers,
  }
}

/**
 * Runs a consumer until `done(records)` holds for the records received so far and returns them; records
 * arriving after that are ignored. `runOptions` go to consumer.run (e.g. autoCommit: false), `onRecord`
 * sees each record as it arrives. Any consumer crash fails the scenario.
 */
export function consumeUntil(consumer, done, runOptions = {}, onRecord = () => {}) {
  const records = []
  return new Promise((resolve, reject) => {
    let finished = false
    consumer.on(consumer.events.CRASH, event => {
      if (!finished) {
        finished = true
        reject(event.payload.error)
      }
    })
    consumer
      .run({
        ...runOptions,
        eachMessage: async ({ topic, partition, message }) => {
          if (finished) {
            return
          }
          const record = recordOf(topic, partition, message)
          records.push(record)
          await onRecord(record)
          if (done(records)) {
            finished = true
            resolve(records)
          }
        },
      })
      .catch(error => {
        finished = true
        reject(error)
      })
  })
}
