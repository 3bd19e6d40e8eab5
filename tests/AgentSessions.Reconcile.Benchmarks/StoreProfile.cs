using System.Diagnostics;
using AgentSessions.Reconcile.Yaml;

namespace AgentSessions.Reconcile.Benchmarks;

internal static class StoreProfile
{
    public static async Task RunAsync(int rows)
    {
        var limits = new YamlLimits(64, 10_000);
        var text = RegistryBenchmarks.Generate(rows);
        var root = Path.Combine(Path.GetTempPath(), "asr-prof-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(root, ".hermes"));
        File.WriteAllText(Path.Combine(root, ".hermes", "agent-sessions.yaml"), text);
        var store = RegistryStore.Create(new RegistryStoreOptions { WorkspaceRoot = root });
        void T(string what, int n, Action a) { for (var i = 0; i < 150; i++) a(); var sw = Stopwatch.StartNew(); for (var i = 0; i < n; i++) a(); Console.WriteLine($"{what,-20} {sw.Elapsed.TotalMilliseconds / n,8:F3} ms"); }
        var n = rows >= 1000 ? 10 : 100;
        T("raw yamlstream", n, () => new YamlDotNet.RepresentationModel.YamlStream().Load(new StringReader(text)));
        T("raw skipcomments", n, () => new YamlDotNet.RepresentationModel.YamlStream().Load(new YamlDotNet.Core.Parser(new YamlDotNet.Core.Scanner(new StringReader(text), skipComments: true))));
        T("raw events", n, () => { var p = new YamlDotNet.Core.Parser(new StringReader(text)); while (p.MoveNext()) { } });
        T("parse", n, () => RegistryYaml.Parse("b", text, false, limits));
        var yaml = RegistryYaml.Parse("b", text, false, limits);
        T("map", n, () => RegistryMapper.Map("b", yaml));
        var loaded = RegistryMapper.Map("b", yaml);
        T("render rows", n, () => { foreach (var r in loaded.Registry.Sessions) Y.Render(r); });
        T("edits ctor", n, () => GC.KeepAlive(new RegistryEdits(loaded)));
        T("emit whole", n, () => Y.Emit(yaml.Root!));
        var tick = 0;
        T("parse+map+write mem", n, () =>
        {
            var l = RegistryMapper.Map("b", RegistryYaml.Parse("b", text, false, limits));
            var e = new RegistryEdits(l);
            l.Registry.Sessions[rows / 2].LastVisibleNote = "t" + tick++;
            RegistryWriter.Write("b", l, e, limits, null, out _, out _);
        });
        var folder = Path.Combine(root, ".hermes");
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        T("floor", n, () =>
        {
            var temp = Path.Combine(folder, "floor.tmp");
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, Path.Combine(folder, "floor.yaml"), overwrite: true);
        });
        T("update", n, () => store.UpdateAsync(r => r.Sessions[rows / 2].LastVisibleNote = "t" + tick++).GetAwaiter().GetResult());
        T("load", n, () => store.LoadAsync().GetAwaiter().GetResult());
        Directory.Delete(root, true);
        await Task.CompletedTask;
    }
}
