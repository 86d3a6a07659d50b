// Transaction timeout: a transactional producer (transaction timeout --timeout-ms-txn) writes expired-0 to
// --topic (one partition expected) and then stalls; a non-transactional "after" follows. A read_committed
// consumer can read "after" only once the broker has aborted the stalled transaction; the producer then
// tries to commit it.
// Output: { readCommitted: [value], commitError } with commitError a Kafka error type, or null if the
// commit unexpectedly succeeded.
import { consumeUntil, errorType, runScenario } from './lib/harness.mjs'

await runScenario(
  {
    topic: { type: 'string', default: 'kafkajs-txn-timeout' },
    'transactional-id': { type: 'string', default: 'kafkajs-txn-timeout' },
    'timeout-ms-txn': { type: 'string', default: '1000' },
  },
  async ctx => {
    const { topic } = ctx.options
    const kafka = ctx.kafka('kafkajs-txn-timeout')

    ctx.step('writing expired-0 in a transaction that is left open')
    const producer = await ctx.connect(
      kafka.producer({
        transactionalId: ctx.options['transactional-id'],
        idempotent: true,
        maxInFlightRequests: 1,
        transactionTimeout: Number(ctx.options['timeout-ms-txn']),
        retry: { retries: 2, initialRetryTime: 100 },
      })
    )
    const stalled = await producer.transaction()
    await stalled.send({ topic, messages: [{ value: 'expired-0' }] })
    const plain = await ctx.connect(kafka.producer())
    await plain.send({ topic, acks: -1, messages: [{ value: 'after' }] })

    ctx.step('reading read_committed until the broker aborts the stalled transaction')
    const consumer = await ctx.connect(
      kafka.consumer({ groupId: 'kafkajs-txn-timeout-reader', maxWaitTimeInMs: 300 })
    )
    await consumer.subscribe({ topic, fromBeginning: true })
    const records = await consumeUntil(consumer, records => records.some(r => r.value === 'after'))
    await consumer.stop()

    ctx.step('committing the expired transaction')
    let commitError = null
    try {
      await stalled.commit()
    } catch (error) {
      commitError = errorType(error)
    }

    ctx.step('disconnecting')
    await ctx.close()
    return { readCommitted: records.map(r => r.value), commitError }
  }
)
