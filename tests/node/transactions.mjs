// Transactional producer: committed records are visible to read_committed consumers, aborted ones only
// to read_uncommitted consumers. Writes to --topic (one partition expected) in this order:
//   committed-0..4 (transaction committed), aborted-0..4 (transaction aborted),
//   late-0..2 (transaction committed), then a non-transactional "end" record.
// Output: { readCommitted: [value], readUncommitted: [value] }, each read from the beginning up to "end"
// by a consumer of its own group.
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

    ctx.step('writing the end record')
    const plain = await ctx.connect(kafka.producer())
    await plain.send({ topic, acks: -1, messages: [{ value: 'end' }] })

    const readAll = async readUncommitted => {
      const isolation = readUncommitted ? 'read_uncommitted' : 'read_committed'
      ctx.step(`reading ${topic} ${isolation}`)
      const consumer = await ctx.connect(
        kafka.consumer({ groupId: `kafkajs-${isolation}`, readUncommitted, maxWaitTimeInMs: 500 })
      )
      await consumer.subscribe({ topic, fromBeginning: true })
      const records = await consumeUntil(consumer, records => records.some(r => r.value === 'end'))
      await consumer.stop()
      return records.map(r => r.value)
    }

    const result = {
      readCommitted: await readAll(false),
      readUncommitted: await readAll(true),
    }
    ctx.step('disconnecting')
    await ctx.close()
    return result
  }
)
