// Zombie fencing: two transactional producers share --transactional-id.
//   1. The first (the zombie) begins a transaction and writes zombie-0 to --topic (one partition expected).
//   2. The second initialises with the same transactional id, which bumps the epoch and aborts the zombie's
//      open transaction, then writes survivor-0 and commits.
//   3. The zombie tries to write zombie-1, then to commit: both must fail.
// Output: { zombieSendError, zombieCommitError, readCommitted: [value] } where the errors are Kafka error
// types (e.g. INVALID_PRODUCER_EPOCH) or null when the operation unexpectedly succeeded, and readCommitted
// is what a read_committed consumer sees up to survivor-0.
import { consumeUntil, errorType, runScenario } from './lib/harness.mjs'

await runScenario(
  {
    topic: { type: 'string', default: 'kafkajs-fencing' },
    'transactional-id': { type: 'string', default: 'kafkajs-fencing' },
  },
  async ctx => {
    const { topic } = ctx.options
    const kafka = ctx.kafka('kafkajs-fencing')
    const transactionalProducer = () =>
      ctx.connect(
        kafka.producer({
          transactionalId: ctx.options['transactional-id'],
          idempotent: true,
          maxInFlightRequests: 1,
          // A fenced request is not retried, so a small budget only bounds how long a broken broker is tried.
          retry: { retries: 2, initialRetryTime: 100 },
        })
      )
    const failureOf = async operation => {
      try {
        await operation()
        return null
      } catch (error) {
        return errorType(error)
      }
    }

    ctx.step('zombie: writing zombie-0 in an open transaction')
    const zombie = await transactionalProducer()
    const zombieTransaction = await zombie.transaction()
    await zombieTransaction.send({ topic, messages: [{ value: 'zombie-0' }] })

    ctx.step('survivor: initialising the same transactional id and committing survivor-0')
    const survivor = await transactionalProducer()
    const survivorTransaction = await survivor.transaction()
    await survivorTransaction.send({ topic, messages: [{ value: 'survivor-0' }] })
    await survivorTransaction.commit()

    ctx.step('zombie: writing zombie-1 after being fenced')
    const zombieSendError = await failureOf(() =>
      zombieTransaction.send({ topic, messages: [{ value: 'zombie-1' }] })
    )
    ctx.step('zombie: committing after being fenced')
    const zombieCommitError = await failureOf(() => zombieTransaction.commit())

    ctx.step(`reading ${topic} read_committed up to survivor-0`)
    const consumer = await ctx.connect(
      kafka.consumer({ groupId: 'kafkajs-fencing-reader', maxWaitTimeInMs: 500 })
    )
    await consumer.subscribe({ topic, fromBeginning: true })
    const records = await consumeUntil(consumer, records => records.some(r => r.value === 'survivor-0'))
    await consumer.stop()

    ctx.step('disconnecting')
    await ctx.close()
    return { zombieSendError, zombieCommitError, readCommitted: records.map(r => r.value) }
  }
)
