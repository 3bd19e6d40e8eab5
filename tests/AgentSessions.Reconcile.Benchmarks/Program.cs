using BenchmarkDotNet.Running;

// Run all:      dotnet run -c Release --project tests/AgentSessions.Reconcile.Benchmarks -- --filter '*'
// Run a group:  ... -- --filter '*Registry*'
// Push (issue #10): ... -- mqtt-latency  (a harness: real mosquitto, one run; docs/mqtt.md)
if (args is ["mqtt-latency"])
{
    await MqttLatencyHarness.RunAsync();
    return;
}

// Quiet passes (issue #17), interleaved: ... -- quiet-pass [ROUNDS]
if (args is ["quiet-pass", ..])
{
    await AgentSessions.Reconcile.Benchmarks.QuietPassHarness.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
