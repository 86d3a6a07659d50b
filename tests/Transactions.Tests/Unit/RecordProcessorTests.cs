using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Outbox.Messaging;
using Outbox.Testing.Messages;
using Outbox.Transactions.Internal;
using Outbox.Transactions.Internal.Processing;
using Outbox.Transactions.Tests.Support;

namespace Outbox.Transactions.Tests.Unit;

public sealed class RecordProcessorTests
{
    private readonly MessageTypeRegistry _registry = new();
    private readonly ScriptedHandler _handler = new();

    [Fact]
    public async Task Outputs_get_new_ids_the_input_as_causation_and_its_correlation()
    {
        var input = EnvelopeRecords.Envelope(new OrderReceived("order-1", 7), "order-1", correlationId: "checkout-9");

        var processed = await Processor().ProcessAsync(InputRecords.Consumed(EnvelopeRecords.Record(input)), TestContext.Current.CancellationToken);

        Assert.False(processed.DeadLettered);
        var output = Assert.Single(processed.Records);
        Assert.Equal("enriched", output.Topic);
        Assert.Equal("order-1", Encoding.UTF8.GetString(output.Message.Key!));
        Assert.True(MessageEnvelope.TryRead(output.Message.Headers, output.Message.Value, out var envelope));
        Assert.NotEqual(input.Id, envelope.Id);
        Assert.Equal(7, envelope.Id.Version);
        Assert.Equal("tests.order-reviewed", envelope.Type);
        Assert.Equal("/enricher", envelope.Source);
        Assert.Equal(input.Id.ToString(), envelope.CausationId);
        Assert.Equal("checkout-9", envelope.CorrelationId);
        Assert.Equal("order-1", envelope.Key);
        var message = (OrderReviewed)new JsonMessageSerializer().Deserialize(envelope.Payload.Span, typeof(OrderReviewed));
        Assert.Equal(new OrderReviewed("order-1", 7, "seen"), message);
    }

    [Fact]
    public async Task An_input_without_a_correlation_id_starts_one_with_its_own_event_id()
    {
        var input = EnvelopeRecords.Envelope(new OrderReceived("order-1", 1), "order-1");

        var processed = await Processor().ProcessAsync(InputRecords.Consumed(EnvelopeRecords.Record(input)), TestContext.Current.CancellationToken);

        Assert.True(MessageEnvelope.TryRead(processed.Records[0].Message.Headers, processed.Records[0].Message.Value, out var envelope));
        Assert.Equal(input.Id.ToString(), envelope.CorrelationId);
    }

    [Fact]
    public async Task A_handler_that_fails_and_then_succeeds_keeps_only_the_outputs_of_the_successful_attempt()
    {
        _handler.FailuresBeforeSuccess = 2;
        var input = EnvelopeRecords.Envelope(new OrderReceived("order-1", 1), "order-1");

        var processed = await Processor(maxAttempts: 3).ProcessAsync(InputRecords.Consumed(EnvelopeRecords.Record(input)), TestContext.Current.CancellationToken);

        Assert.False(processed.DeadLettered);
        Assert.Single(processed.Records);
        Assert.Equal([1, 2, 3], _handler.Attempts);
    }

    [Fact]
    public async Task A_handler_that_keeps_failing_sends_the_input_to_the_dead_letter_topic_with_reason_headers()
    {
        _handler.FailuresBeforeSuccess = int.MaxValue;
        var input = EnvelopeRecords.Envelope(new OrderReceived("order-1", 1), "order-1");
        var original = EnvelopeRecords.Record(input);

        var processed = await Processor(maxAttempts: 3).ProcessAsync(InputRecords.Consumed(original, "orders", 2, 41), TestContext.Current.CancellationToken);

        Assert.True(processed.DeadLettered);
        var dead = Assert.Single(processed.Records);
        Assert.Equal("enricher.dlt", dead.Topic);
        Assert.Equal(original.Key, dead.Message.Key);
        Assert.Equal(original.Value, dead.Message.Value);
        var headers = dead.Message.Headers;
        Assert.Equal(input.Id.ToString(), InputRecords.Header(headers, MessageHeaders.Id));
        Assert.Equal("handler-failed", InputRecords.Header(headers, DeadLetterHeaders.Reason));
        Assert.Equal(typeof(InvalidOperationException).FullName, InputRecords.Header(headers, DeadLetterHeaders.ExceptionType));
        Assert.Equal("attempt failed", InputRecords.Header(headers, DeadLetterHeaders.ExceptionMessage));
        Assert.Contains("ScriptedHandler", InputRecords.Header(headers, DeadLetterHeaders.StackTrace), StringComparison.Ordinal);
        Assert.Equal("orders", InputRecords.Header(headers, DeadLetterHeaders.OriginalTopic));
        Assert.Equal("2", InputRecords.Header(headers, DeadLetterHeaders.OriginalPartition));
        Assert.Equal("41", InputRecords.Header(headers, DeadLetterHeaders.OriginalOffset));
        Assert.Equal(original.Timestamp.UnixTimestampMs.ToString(System.Globalization.CultureInfo.InvariantCulture), InputRecords.Header(headers, DeadLetterHeaders.OriginalTimestamp));
        Assert.Equal("enricher", InputRecords.Header(headers, DeadLetterHeaders.ConsumerGroup));
        Assert.Equal("3", InputRecords.Header(headers, DeadLetterHeaders.Attempts));
        Assert.NotNull(InputRecords.Header(headers, DeadLetterHeaders.FailedAt));
    }

    [Fact]
    public async Task A_record_without_an_envelope_is_dead_lettered_without_calling_the_handler()
    {
        var record = InputRecords.Consumed(new Message<byte[]?, byte[]?> { Value = "not an event"u8.ToArray(), Headers = [] });

        var processed = await Processor().ProcessAsync(record, TestContext.Current.CancellationToken);

        Assert.True(processed.DeadLettered);
        Assert.Equal("invalid-envelope", InputRecords.Header(processed.Records[0].Message.Headers, DeadLetterHeaders.Reason));
        Assert.Empty(_handler.Attempts);
    }

    [Fact]
    public async Task An_unregistered_or_unexpected_message_type_is_dead_lettered()
    {
        var input = EnvelopeRecords.Envelope(new OrderReviewed("order-1", 1, "x"), "order-1");

        var processed = await Processor().ProcessAsync(InputRecords.Consumed(EnvelopeRecords.Record(input)), TestContext.Current.CancellationToken);

        Assert.True(processed.DeadLettered);
        Assert.Equal("unknown-message-type", InputRecords.Header(processed.Records[0].Message.Headers, DeadLetterHeaders.Reason));
        Assert.Contains("tests.order-reviewed", InputRecords.Header(processed.Records[0].Message.Headers, DeadLetterHeaders.ExceptionMessage), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_payload_that_does_not_deserialize_is_dead_lettered()
    {
        var input = EnvelopeRecords.Envelope(new OrderReceived("order-1", 1), "order-1");
        var message = EnvelopeRecords.Record(input);
        message.Value = "{not json"u8.ToArray();

        var processed = await Processor().ProcessAsync(InputRecords.Consumed(message), TestContext.Current.CancellationToken);

        Assert.True(processed.DeadLettered);
        Assert.Equal("deserialization-failed", InputRecords.Header(processed.Records[0].Message.Headers, DeadLetterHeaders.Reason));
        Assert.Equal("1", InputRecords.Header(processed.Records[0].Message.Headers, DeadLetterHeaders.Attempts));
    }

    [Theory]
    [InlineData("shipping", 0)]
    [InlineData("enricher", 1)]
    public async Task A_copy_redelivered_to_another_consumer_group_is_skipped_and_one_for_this_group_is_processed(string redeliveredTo, int outputs)
    {
        var message = EnvelopeRecords.Record(EnvelopeRecords.Envelope(new OrderReceived("order-1", 1), "order-1"));
        message.Headers.Add(MessageHeaders.RedeliveredTo, Encoding.UTF8.GetBytes(redeliveredTo));

        var processed = await Processor().ProcessAsync(InputRecords.Consumed(message), TestContext.Current.CancellationToken);

        Assert.False(processed.DeadLettered);
        Assert.Equal(outputs, processed.Records.Count);
        Assert.Equal(outputs, _handler.Attempts.Count);
    }

    private RecordProcessor<OrderReceived> Processor(int maxAttempts = 3)
    {
        var options = new TransactionalPipelineOptions { MaxAttempts = maxAttempts, RetryBackoff = TimeSpan.Zero };
        options.Topics.Add("orders");
        var settings = PipelineSettings.From("enricher", options);
        var services = new ServiceCollection().AddSingleton<IPipelineHandler<OrderReceived>>(_handler).BuildServiceProvider();
        var serializer = new JsonMessageSerializer();
        InputTypes.Register<OrderReceived>(_registry);
        return new RecordProcessor<OrderReceived>(
            settings,
            new ScopedHandlerAttempt<OrderReceived>(services.GetRequiredService<IServiceScopeFactory>()),
            _registry,
            serializer,
            new OutputRecordFactory(_registry, serializer, settings.Source, TimeProvider.System),
            new DeadLetterRecordFactory(settings.DeadLetterTopic, settings.GroupId, TimeProvider.System),
            TimeProvider.System,
            NullLogger.Instance);
    }

    private sealed class ScriptedHandler : IPipelineHandler<OrderReceived>
    {
        public int FailuresBeforeSuccess { get; set; }

        public List<int> Attempts { get; } = [];

        public ValueTask HandleAsync(OrderReceived message, PipelineContext context, CancellationToken cancellationToken)
        {
            Attempts.Add(context.Attempt);
            context.Emit("enriched", new OrderReviewed(message.Key, message.Sequence, "seen"));
            if (Attempts.Count <= FailuresBeforeSuccess)
            {
                throw new InvalidOperationException("attempt failed");
            }

            return ValueTask.CompletedTask;
        }
    }
}
