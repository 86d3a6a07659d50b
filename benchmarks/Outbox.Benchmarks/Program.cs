using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Outbox.Benchmarks.RelayThroughput).Assembly).Run(args);
