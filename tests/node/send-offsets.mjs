// Consume-transform-produce with the consumer's offsets sent in the producer's transaction.
//   1. Seeds --input (one partition expected) with in-0..9.
//   2. A member of --group (auto-commit off) reads all ten.
//   3. Transaction 1 writes out-0..4 to --output with offset 5 for --group, and commits.
//      Transaction 2 writes out-5..9 with offset 10, and aborts.
//      The group's committed offset is read (OffsetFetch) before and after each end.
//   4. A new member of --group resumes from the committed offset; a read_committed consumer reads --output
//      up to an "end" record written after the transactions.
// Output: { committedOffsetWhilePending, committedOffsetAfterCommit, committedOffsetAfterAbort,
//           resumedOffsets: [offset], output: [value] } (committed offsets as numbers, -1 for none).
import { consumeUntil, runScenario } from './lib/harness.mjs'

await runScenario(
  {
    input: { type: 'string', default: 'kafkajs-ctp-input' },
    output: { type: 'string', default: 'kafkajs-ctp-output' },
    group: { type: 'string', default: 'kafkajs-ctp' },
    'transactional-id': { type: 'string', default: 'kafkajs-ctp' },
  },
  async ctx => {
    const { input, output, group } = ctx.options
    const kafka = ctx.kafka('kafkajs-send-offsets')

    ctx.step('seeding the input topic')
    const plain = await ctx.connect(kafka.producer())
    await plain.send({
      topic: input,
      acks: -1,
      messages: Array.from({ length: 10 }, (_, i) => ({ value: `in-${i}` })),
    })

    ctx.step('reading the input as a group member')
    const reader = await ctx.connect(
      kafka.consumer({ groupId: group, maxWaitTimeInMs: 500, heartbeatInterval: 500 })
    )
    await reader.subscribe({ topic: input, fromBeginning: true })
    const inputRecords = await consumeUntil(reader, records => records.length >= 10, { autoCommit: false })
    reader.pause([{ topic: input }])

    const admin = await ctx.connect(kafka.admin())
    const committedOffset = async () => {
      const [topicOffsets] = await admin.fetchOffsets({ groupId: group, topics: [input] })
      return Number(topicOffsets.partitions.find(p => p.partition === 0).offset)
    }
    const producer = await ctx.connect(
      kafka.producer({
        transactionalId: ctx.options['transactional-id'],
        idempotent: true,
        maxInFlightRequests: 1,
      })
    )
    const processInTransaction = async (records, end) => {
      const transaction = await producer.transaction()
      await transaction.send({
        topic: output,
        messages: records.map(r => ({ value: r.value.replace('in-', 'out-') })),
      })
      const nextOffset = String(records[records.length - 1].offset + 1)
      await transaction.sendOffsets({
        consumerGroupId: group,
        topics: [{ topic: input, partitions: [{ partition: 0, offset: nextOffset }] }],
      })
      const pending = await committedOffset()
      await end(transaction)
      return pending
    }

    ctx.step('transaction 1: out-0..4 with offset 5, committed')
    const committedOffsetWhilePending = await processInTransaction(inputRecords.slice(0, 5), t => t.commit())
    const committedOffsetAfterCommit = await committedOffset()

    ctx.step('transaction 2: out-5..9 with offset 10, aborted')
    await processInTransaction(inputRecords.slice(5), t => t.abort())
    const committedOffsetAfterAbort = await committedOffset()

    ctx.step('leaving the group')
    await ctx.disconnect(reader)

    ctx.step('resuming the group from its committed offset')
    const resumer = await ctx.connect(kafka.consumer({ groupId: group, maxWaitTimeInMs: 500 }))
    await resumer.subscribe({ topic: input, fromBeginning: true })
    const resumed = await consumeUntil(resumer, records => records.some(r => r.value === 'in-9'), {
      autoCommit: false,
    })
    await resumer.stop()

    ctx.step('reading the output read_committed')
    await plain.send({ topic: output, acks: -1, messages: [{ value: 'end' }] })
    const outputReader = await ctx.connect(
      kafka.consumer({ groupId: `${group}-output-reader`, maxWaitTimeInMs: 500 })
    )
    await outputReader.subscribe({ topic: output, fromBeginning: true })
    const outputRecords = await consumeUntil(outputReader, records => records.some(r => r.value === 'end'))
    await outputReader.stop()

    ctx.step('disconnecting')
    await ctx.close()
    return {
      committedOffsetWhilePending,
      committedOffsetAfterCommit,
      committedOffsetAfterAbort,
      resumedOffsets: resumed.map(r => r.offset),
      output: outputRecords.map(r => r.value),
    }
  }
)
