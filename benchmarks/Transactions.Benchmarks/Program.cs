using BenchmarkDotNet.Running;

// --quick: fewer iterations of SteadyStateOverheadBenchmarks (its config reads it); the rest goes to BenchmarkDotNet.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run([.. args.Where(a => a != "--quick")]);
