// Transactional producer: committed records are visible to read_committed consumers, aborted ones only
// to read_uncommitted consumers, and an open transaction holds read_committed consumers back at the last
// stable offset. Writes to --topic (one partition expected):
//   committed-0..4 (committed), aborted-0..4 (aborted), late-0..2 (committed),
//   open-0..1 (a transaction left open), after-open (non-transactional).
// A read_uncommitted consumer then reads up to after-open. A read_committed consumer reads batch by batch;
// on receiving late-2 it commits the open transaction and writes a final "end".
// Output: { readCommitted: [value], readUncommitted: [value], readPastOpenTransaction: [value] }, the last
// listing the records the read_committed consumer received while the transaction was still open that
// come after its start (expected: none).
import { consumeUntil, runScenario } from './lib/harness.mjs'

await runScenario(
  {
    topic: { type: 'string', default: 'kafkajs-transactions' },
    'transactional-id': { type: 'string', default: 'kafkajs-transactions' },
  },
  async ctx => {
    const { topic } = ctx.options
    const kafka = ctx.kafka('kafkajs-transactions')
    const values = (prefix, n) => Array.from({ length: n }, (_, i) => ({ value: `${prefix}-${i}` }))

    ctx.step('connecting the transactional producer')
    const producer = await ctx.connect(
      kafka.producer({
        transactionalId: ctx.options['transactional-id'],
        idempotent: true,
        maxInFlightRequests: 1,
        transactionTimeout: 30000,
      })
    )
    const plain = await ctx.connect(kafka.producer())

    ctx.step('committing the first transaction')
    const committed = await producer.transaction()
    await committed.send({ topic, messages: values('committed', 5) })
    await committed.commit()

    ctx.step('aborting the second transaction')
    const aborted = await producer.transaction()
    await aborted.send({ topic, messages: values('aborted', 5) })
    await aborted.abort()

    ctx.step('committing the third transaction')
    const late = await producer.transaction()
    await late.send({ topic, messages: values('late', 3) })
    await late.commit()

    ctx.step('leaving a fourth transaction open, then writing after-open')
    const open = await producer.transaction()
    await open.send({ topic, messages: values('open', 2) })
    await plain.send({ topic, acks: -1, messages: [{ value: 'after-open' }] })

    ctx.step(`reading ${topic} read_uncommitted while the transaction is open`)
    const uncommittedReader = await ctx.connect(
      kafka.consumer({ groupId: 'kafkajs-read-uncommitted', readUncommitted: true, maxWaitTimeInMs: 300 })
    )
    await uncommittedReader.subscribe({ topic, fromBeginning: true })
    const readUncommitted = await consumeUntil(uncommittedReader, records => records.some(r => r.value === 'after-open'))
    await uncommittedReader.stop()

    ctx.step(`reading ${topic} read_committed while the transaction is open`)
    const committedReader = await ctx.connect(
      kafka.consumer({ groupId: 'kafkajs-read-committed', readUncommitted: false, maxWaitTimeInMs: 300 })
    )
    await committedReader.subscribe({ topic, fromBeginning: true })
    const readCommitted = []
    const readPastOpenTransaction = []
    let transactionOpen = true
    const beyondStableOffset = value => value.startsWith('open-') || value === 'after-open'
    await new Promise((resolve, reject) => {
      committedReader.on(committedReader.events.CRASH, event => reject(event.payload.error))
      committedReader
        .run({
          // One batch is what one Fetch returned for the partition: a leak past the stable offset shows up
          // in a batch received before the commit below.
          eachBatch: async ({ batch }) => {
            const received = batch.messages.map(m => m.value.toString('utf8'))
            readCommitted.push(...received)
            if (transactionOpen) {
              readPastOpenTransaction.push(...received.filter(beyondStableOffset))
            }
            if (transactionOpen && received.includes('late-2')) {
              ctx.step('committing the open transaction')
              await open.commit()
              transactionOpen = false
              await plain.send({ topic, acks: -1, messages: [{ value: 'end' }] })
              ctx.step(`reading ${topic} read_committed after the commit`)
            }
            if (received.includes('end')) {
              resolve()
            }
          },
        })
        .catch(reject)
    })
    await committedReader.stop()

    ctx.step('disconnecting')
    await ctx.close()
    return {
      readCommitted,
      readUncommitted: readUncommitted.map(r => r.value),
      readPastOpenTransaction,
    }
  }
)
