using BenchmarkDotNet.Running;

// Run all:      dotnet run -c Release --project tests/AgentSessions.Reconcile.Benchmarks -- --filter '*'
// Run a group:  ... -- --filter '*Registry*'
// Push (issue #10): ... -- mqtt-latency  (a harness: real mosquitto, one run; docs/mqtt.md)
if (args is ["mqtt-latency"])
{
    await MqttLatencyHarness.RunAsync();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
