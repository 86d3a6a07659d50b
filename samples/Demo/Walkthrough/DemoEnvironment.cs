namespace Outbox.Samples.Demo.Walkthrough;

/// <summary>What every step of the walkthrough works with: the running application and the embedded infrastructure.</summary>
public sealed record DemoEnvironment(IServiceProvider Services, string BootstrapServers, string ClaimCheckDirectory);
