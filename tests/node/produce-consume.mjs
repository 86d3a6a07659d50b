// Produce and consume records with keys and headers.
//   --mode produce    an idempotent KafkaJS producer writes --count records to --topic
//   --mode consume    a KafkaJS consumer (group --group) reads --count records of --topic from the beginning
//   --mode roundtrip  both, in this order
// Record i has key "key-<i % 5>", value "value-<i>" and headers index=<i>, source=kafkajs, plus a header
// padding of --padding-bytes bytes when given. The producer sends --per-send records per request (default
// all at once), compressed with --compression gzip if asked; the consumer fetches at most --max-bytes per
// request and partition (default KafkaJS's own limits).
// Output: { produced: [{ partition, baseOffset, errorCode }], consumed: [record] } (only the parts the mode ran).
import { CompressionTypes, Partitioners } from 'kafkajs'
import { consumeUntil, runScenario } from './lib/harness.mjs'

await runScenario(
  {
    mode: { type: 'string', default: 'roundtrip' },
    topic: { type: 'string', default: 'kafkajs-records' },
    group: { type: 'string', default: 'kafkajs-reader' },
    count: { type: 'string', default: '20' },
    compression: { type: 'string', default: 'none' },
    'per-send': { type: 'string' },
    'padding-bytes': { type: 'string', default: '0' },
    'max-bytes': { type: 'string' },
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
      const padding = 'x'.repeat(Number(ctx.options['padding-bytes']))
      const messages = Array.from({ length: count }, (_, i) => ({
        key: `key-${i % 5}`,
        value: `value-${i}`,
        headers: { index: String(i), source: 'kafkajs', ...(padding ? { padding } : {}) },
      }))
      const compression = { none: CompressionTypes.None, gzip: CompressionTypes.GZIP }[ctx.options.compression]
      if (compression === undefined) {
        throw new Error(`--compression must be none or gzip, was ${ctx.options.compression}`)
      }
      const perSend = Number(ctx.options['per-send'] ?? count)
      result.produced = []
      for (let from = 0; from < count; from += perSend) {
        const metadata = await producer.send({ topic, acks: -1, compression, messages: messages.slice(from, from + perSend) })
        result.produced.push(
          ...metadata.map(m => ({ partition: m.partition, baseOffset: Number(m.baseOffset), errorCode: m.errorCode }))
        )
      }
    }

    if (mode === 'consume' || mode === 'roundtrip') {
      ctx.step('joining the consumer group')
      const limits = ctx.options['max-bytes']
        ? { maxBytes: Number(ctx.options['max-bytes']), maxBytesPerPartition: Number(ctx.options['max-bytes']) }
        : {}
      const consumer = await ctx.connect(
        kafka.consumer({ groupId: group, heartbeatInterval: 500, maxWaitTimeInMs: 500, ...limits })
      )
      await consumer.subscribe({ topic, fromBeginning: true })
      ctx.step(`consuming ${count} records from ${topic}`)
      result.consumed = await consumeUntil(consumer, records => records.length >= count)
    }

    ctx.step('disconnecting')
    await ctx.close()
    return result
  }
)
