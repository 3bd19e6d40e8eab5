using BenchmarkDotNet.Running;

// Run all:      dotnet run -c Release --project tests/AgentSessions.Reconcile.Benchmarks -- --filter '*'
// Run a group:  ... -- --filter '*Registry*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
