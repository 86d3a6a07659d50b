// Consumer groups.
//   --mode split   Two members of --group subscribe to --topic (--partitions partitions; subscribing creates
//                  it through Metadata auto-creation). Once both hold a share of the partitions, --count records are
//                  produced and the two read them together.
//                  Output: { assignments: { a: [partition], b: [partition] }, rejoins, a: [record], b: [record] }
//                  where rejoins counts the rebalances after the two balanced and before they stopped.
//   --mode resume  --count records are produced to --topic (one partition expected). A member (auto-commit
//                  off) commits the offset after the first half and leaves; a new member of the group reads on
//                  and leaves. The admin client then lists and describes the group and, with --delete-group,
//                  deletes it.
//                  Output: { committedOffset, firstMember: [offset], secondMember: [offset],
//                            listed: { groupId, protocolType }, described: { state, members },
//                            committedOffsetAfterDelete (with --delete-group) }
import { Partitioners } from 'kafkajs'
import { consumeUntil, runScenario } from './lib/harness.mjs'

await runScenario(
  {
    mode: { type: 'string', default: 'split' },
    topic: { type: 'string', default: 'kafkajs-groups' },
    group: { type: 'string', default: 'kafkajs-group' },
    partitions: { type: 'string', default: '4' },
    count: { type: 'string', default: '40' },
    'delete-group': { type: 'boolean', default: false },
  },
  async ctx => {
    const kafka = ctx.kafka('kafkajs-groups')
    return ctx.options.mode === 'resume' ? resume(ctx, kafka) : split(ctx, kafka)
  }
)

async function produce(ctx, kafka, topic, count) {
  const producer = await ctx.connect(kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner }))
  await producer.send({
    topic,
    acks: -1,
    messages: Array.from({ length: count }, (_, i) => ({ key: `key-${i}`, value: `value-${i}` })),
  })
}

async function split(ctx, kafka) {
  const { topic, group } = ctx.options
  const partitions = Number(ctx.options.partitions)
  const count = Number(ctx.options.count)

  ctx.step('two members joining the group')
  const assignments = { a: [], b: [] }
  const received = { a: [], b: [] }
  let settle
  const balanced = new Promise((resolve, reject) => (settle = { resolve, reject }))
  let finish
  const everything = new Promise((resolve, reject) => (finish = { resolve, reject }))
  // Awaited below; these handlers only keep an early crash from counting as an unhandled rejection.
  balanced.catch(() => {})
  everything.catch(() => {})
  const isBalanced = () => {
    const all = [...assignments.a, ...assignments.b]
    return assignments.a.length > 0 && assignments.b.length > 0 && new Set(all).size === partitions && all.length === partitions
  }
  let balancedYet = false
  let stopping = false
  let rejoins = 0
  const members = []
  for (const name of ['a', 'b']) {
    const consumer = await ctx.connect(
      kafka.consumer({ groupId: group, heartbeatInterval: 300, maxWaitTimeInMs: 300 })
    )
    consumer.on(consumer.events.GROUP_JOIN, event => {
      // The assignment the records are read under; joins after it (none expected until the members
      // stop, when the first one leaving rebalances the other) are only counted.
      if (balancedYet) {
        rejoins += stopping ? 0 : 1
        return
      }
      assignments[name] = [...(event.payload.memberAssignment[topic] ?? [])].sort((x, y) => x - y)
      if (isBalanced()) {
        balancedYet = true
        settle.resolve()
      }
    })
    await consumer.subscribe({ topic, fromBeginning: true })
    members.push(consumer)
    consumeUntil(consumer, () => false, {}, record => {
      received[name].push(record)
      if (received.a.length + received.b.length >= count) {
        finish.resolve()
      }
    }).catch(error => {
      settle.reject(error)
      finish.reject(error)
    })
  }
  await balanced

  ctx.step(`producing ${count} records after the group balanced`)
  await produce(ctx, kafka, topic, count)

  ctx.step(`the two members reading ${count} records`)
  await everything
  stopping = true
  for (const consumer of members) {
    await consumer.stop()
  }
  ctx.step('disconnecting')
  await ctx.close()
  return { assignments, rejoins, a: received.a, b: received.b }
}

async function resume(ctx, kafka) {
  const { topic, group } = ctx.options
  const count = Number(ctx.options.count)
  const half = Math.floor(count / 2)

  ctx.step(`producing ${count} records`)
  await produce(ctx, kafka, topic, count)

  ctx.step(`first member reading ${half} records and committing offset ${half}`)
  const first = await ctx.connect(kafka.consumer({ groupId: group, maxWaitTimeInMs: 300 }))
  await first.subscribe({ topic, fromBeginning: true })
  const firstRecords = await consumeUntil(first, records => records.length >= half, { autoCommit: false })
  await first.commitOffsets([{ topic, partition: 0, offset: String(half) }])
  ctx.step('first member leaving')
  await ctx.disconnect(first)

  const admin = await ctx.connect(kafka.admin())
  const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] })
  const committedOffset = Number(offsets.partitions.find(p => p.partition === 0).offset)

  ctx.step('second member reading on')
  const second = await ctx.connect(kafka.consumer({ groupId: group, maxWaitTimeInMs: 300 }))
  await second.subscribe({ topic, fromBeginning: true })
  const secondRecords = await consumeUntil(second, records => records.some(r => r.offset >= count - 1), {
    autoCommit: false,
  })
  ctx.step('second member leaving')
  await ctx.disconnect(second)

  ctx.step('listing and describing the group')
  const { groups } = await admin.listGroups()
  const listed = groups.find(g => g.groupId === group) ?? null
  const {
    groups: [description],
  } = await admin.describeGroups([group])
  const result = {
    committedOffset,
    firstMember: firstRecords.slice(0, half).map(r => r.offset),
    secondMember: secondRecords.map(r => r.offset),
    listed,
    described: { state: description.state, members: description.members.length },
  }
  if (ctx.options['delete-group']) {
    ctx.step('deleting the group')
    await admin.deleteGroups([group])
    const [afterDelete] = await admin.fetchOffsets({ groupId: group, topics: [topic] })
    result.committedOffsetAfterDelete = Number(afterDelete.partitions.find(p => p.partition === 0).offset)
  }

  ctx.step('disconnecting')
  await ctx.close()
  return result
}
