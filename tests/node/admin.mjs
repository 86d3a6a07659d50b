// KafkaJS admin: createTopics, listTopics, createPartitions, fetchTopicMetadata, fetchTopicOffsets,
// deleteTopicRecords, describeConfigs, describeCluster, deleteTopics.
//   Creates --topic with 3 partitions (and tries again, which must report "already exists"), grows it to 4,
//   writes records 0..5 to partition i % 3, deletes the records of partition 0 below offset 1, reads
//   metadata, offsets and configs, deletes the topic.
// Output: { created, createdAgain, listedAfterCreate, partitions: [{ partitionId, leader }],
//           offsets: [{ partition, low, high }], configs: { name: value }, listedAfterDelete, controller, brokers }
import kafkajs from 'kafkajs'
import { runScenario } from './lib/harness.mjs'

await runScenario({ topic: { type: 'string', default: 'kafkajs-admin' } }, async ctx => {
  const { topic } = ctx.options
  const kafka = ctx.kafka('kafkajs-admin')
  const admin = await ctx.connect(kafka.admin())

  ctx.step(`creating ${topic}`)
  const created = await admin.createTopics({
    topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
    waitForLeaders: true,
    timeout: 10000,
  })
  ctx.step(`creating ${topic} again`)
  const createdAgain = await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], timeout: 10000 })
  const listedAfterCreate = (await admin.listTopics()).includes(topic)
  ctx.step(`growing ${topic} to 4 partitions`)
  await admin.createPartitions({ topicPartitions: [{ topic, count: 4 }], timeout: 10000 })

  ctx.step(`writing to ${topic}`)
  const producer = await ctx.connect(kafka.producer({ allowAutoTopicCreation: false }))
  await producer.send({
    topic,
    acks: -1,
    messages: Array.from({ length: 6 }, (_, i) => ({ partition: i % 3, value: `value-${i}` })),
  })
  ctx.step(`deleting the records of ${topic} partition 0 below offset 1`)
  await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '1' }] })

  ctx.step(`reading the metadata and offsets of ${topic}`)
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] })
  const partitions = metadata.topics[0].partitions
    .map(p => ({ partitionId: p.partitionId, leader: p.leader }))
    .sort((x, y) => x.partitionId - y.partitionId)
  const offsets = (await admin.fetchTopicOffsets(topic))
    .map(o => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) }))
    .sort((x, y) => x.partition - y.partition)
  const cluster = await admin.describeCluster()
  const {
    resources: [resource],
  } = await admin.describeConfigs({
    resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy', 'retention.ms'] }],
    includeSynonyms: false,
  })
  const configs = Object.fromEntries(resource.configEntries.map(e => [e.configName, e.configValue]))

  ctx.step(`deleting ${topic}`)
  await admin.deleteTopics({ topics: [topic], timeout: 10000 })
  const listedAfterDelete = (await admin.listTopics()).includes(topic)

  ctx.step('disconnecting')
  await ctx.close()
  return {
    created,
    createdAgain,
    listedAfterCreate,
    partitions,
    offsets,
    configs,
    listedAfterDelete,
    controller: cluster.controller,
    brokers: cluster.brokers.map(b => b.nodeId),
  }
})
