// A transaction over several partitions of two topics: the commit or abort marker must reach every one.
// Writes keyed records to every partition of --topic-a and --topic-b (--partitions each): txn-0..N in a
// committed transaction, then aborted-0..N in an aborted one, then a non-transactional "end" to each
// partition. read_committed and read_uncommitted consumers read both topics until every partition's "end".
// Output: { readCommitted: [record], readUncommitted: [record] }
import { Partitioners } from 'kafkajs'
import { consumeUntil, runScenario } from './lib/harness.mjs'

await runScenario(
  {
    'topic-a': { type: 'string', default: 'kafkajs-multi-a' },
    'topic-b': { type: 'string', default: 'kafkajs-multi-b' },
    partitions: { type: 'string', default: '3' },
    'transactional-id': { type: 'string', default: 'kafkajs-multi' },
  },
  async ctx => {
    const topics = [ctx.options['topic-a'], ctx.options['topic-b']]
    const partitions = Number(ctx.options.partitions)
    const kafka = ctx.kafka('kafkajs-transactions-multi')
    const everyPartition = prefix =>
      topics.map(topic => ({
        topic,
        messages: Array.from({ length: partitions * 2 }, (_, i) => ({
          partition: i % partitions,
          value: `${prefix}-${i}`,
        })),
      }))

    ctx.step('connecting the transactional producer')
    const producer = await ctx.connect(
      kafka.producer({
        transactionalId: ctx.options['transactional-id'],
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      })
    )

    ctx.step('committing a transaction over every partition')
    const committed = await producer.transaction()
    await committed.sendBatch({ topicMessages: everyPartition('txn') })
    await committed.commit()

    ctx.step('aborting a transaction over every partition')
    const aborted = await producer.transaction()
    await aborted.sendBatch({ topicMessages: everyPartition('aborted') })
    await aborted.abort()

    ctx.step('writing end to every partition')
    const plain = await ctx.connect(kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner }))
    await plain.sendBatch({
      acks: -1,
      topicMessages: topics.map(topic => ({
        topic,
        messages: Array.from({ length: partitions }, (_, p) => ({ partition: p, value: 'end' })),
      })),
    })

    const readAll = async readUncommitted => {
      const isolation = readUncommitted ? 'read_uncommitted' : 'read_committed'
      ctx.step(`reading both topics ${isolation}`)
      const consumer = await ctx.connect(
        kafka.consumer({ groupId: `kafkajs-multi-${isolation}`, readUncommitted, maxWaitTimeInMs: 300 })
      )
      for (const topic of topics) {
        await consumer.subscribe({ topic, fromBeginning: true })
      }
      const records = await consumeUntil(
        consumer,
        records => records.filter(r => r.value === 'end').length >= topics.length * partitions
      )
      await consumer.stop()
      return records.map(({ topic, partition, offset, value }) => ({ topic, partition, offset, value }))
    }

    const result = { readCommitted: await readAll(false), readUncommitted: await readAll(true) }
    ctx.step('disconnecting')
    await ctx.close()
    return result
  }
)
