// Produce and consume records with keys and headers.
//   --mode produce    an idempotent KafkaJS producer writes --count records to --topic
//   --mode consume    a KafkaJS consumer (group --group) reads --count records of --topic from the beginning
//   --mode roundtrip  both, in this order
// Record i has key "key-<i % 5>", value "value-<i>" and headers index=<i>, source=kafkajs.
// Output: { produced: [{ partition, baseOffset, count }], consumed: [record] } (only the parts the mode ran).
import { Partitioners } from 'kafkajs'
import { consumeUntil, runScenario } from './lib/harness.mjs'

await runScenario(
  {
    mode: { type: 'string', default: 'roundtrip' },
    topic: { type: 'string', default: 'kafkajs-records' },
    group: { type: 'string', default: 'kafkajs-reader' },
    count: { type: 'string', default: '20' },
  },
  async ctx => {
    const { mode, topic, group } = ctx.options
    const count = Number(ctx.options.count)
    const kafka = ctx.kafka('kafkajs-produce-consume')
    const result = {}

    if (mode === 'produce' || mode === 'roundtrip') {
      ctx.step('connecting the producer')
      const producer = await ctx.connect(
        kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner })
      )
      ctx.step(`producing ${count} records to ${topic}`)
      const messages = Array.from({ length: count }, (_, i) => ({
        key: `key-${i % 5}`,
        value: `value-${i}`,
        headers: { index: String(i), source: 'kafkajs' },
      }))
      const metadata = await producer.send({ topic, acks: -1, messages })
      result.produced = metadata.map(m => ({
        partition: m.partition,
        baseOffset: Number(m.baseOffset),
        errorCode: m.errorCode,
      }))
    }

    if (mode === 'consume' || mode === 'roundtrip') {
      ctx.step('joining the consumer group')
      const consumer = await ctx.connect(kafka.consumer({ groupId: group, heartbeatInterval: 500 }))
      await consumer.subscribe({ topic, fromBeginning: true })
      ctx.step(`consuming ${count} records from ${topic}`)
      result.consumed = await consumeUntil(consumer, records => records.length >= count)
    }

    ctx.step('disconnecting')
    await ctx.close()
    return result
  }
)
