using System.Globalization;
using System.Text;
using AgentSessions.Reconcile.Yaml;
using BenchmarkDotNet.Attributes;

namespace AgentSessions.Reconcile.Benchmarks;

/// <summary>Load and locked, fsync'd one-row update of a 1,000-session registry on the real file system.</summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 2, iterationCount: 5)]
public class RegistryBenchmarks
{
    private string root = string.Empty;
    private IRegistryStore store = null!;
    private static readonly YamlLimits Limits = new(64, 10_000);
    private int tick;
    private string text = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        root = Path.Combine(Path.GetTempPath(), "asr-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(root, ".hermes"));
        text = Generate(1000);
        File.WriteAllText(Path.Combine(root, ".hermes", "agent-sessions.yaml"), text, new UTF8Encoding(false));
        store = RegistryStore.Create(new RegistryStoreOptions { WorkspaceRoot = root });
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(root, recursive: true);

    /// <summary>The previous parse path: YamlDotNet's event parser into the span tree, then mapping (text in memory).</summary>
    [Benchmark(Baseline = true)]
    public int ParseAndMapYamlDotNet() => RegistryMapper.Map("b", RegistryYamlParser.ParseWithYamlDotNet("b", text, hasBom: false, Limits)).Registry.Sessions.Count;

    /// <summary>A cold parse with the fast scanner, then mapping (text in memory).</summary>
    [Benchmark]
    public int ParseAndMapFast() => RegistryMapper.Map("b", RegistryYamlParser.Parse("b", text, hasBom: false, Limits)).Registry.Sessions.Count;

    [Benchmark]
    public async Task<int> Load() => (await store.LoadAsync().ConfigureAwait(false)).Sessions.Count;

    [Benchmark]
    public async Task<bool> UpdateOneRow()
    {
        var note = "tick " + (++tick).ToString(CultureInfo.InvariantCulture);
        var result = await store.UpdateAsync(r => r.Sessions[500].LastVisibleNote = note).ConfigureAwait(false);
        return result.Written;
    }

    internal static string Generate(int rows)
    {
        var sb = new StringBuilder("# benchmark registry\nversion: 1\nworkspace: lab\nsessions:\n");
        for (var i = 0; i < rows; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"""
                  - name: lab-project{i}-creator-claude
                    agent: claude
                    project: project{i}
                    cwd: /home/u/lab/project{i}
                    status: running
                    last_visible_status: running
                    last_visible_note: auto-registered
                    created_at: 2026-11-20T10:00:00Z
                    updated_at: 2026-11-20T10:05:00Z
                    terminated_at: null
                    termination_mode: null
                    resumable: true
                    pane: {"{"} pid: {100000 + i}, cmd: claude, cwd: /home/u/lab/project{i} {"}"}
                    claude_session_id_own: 87dc548e-0d1c-4a59-9f3e-2c7f0b1d{i:D4}
                    agy_session_id_own: null
                    agent_identities:
                      claude: {"{"} session_id: 87dc548e-0d1c-4a59-9f3e-2c7f0b1d{i:D4} {"}"}
                    jobs:
                      - job_id: j-{i}
                        auth_token: "secret-{i}"
                        status: running
                    x-custom: keep me

                """);
        }

        return sb.ToString();
    }
}
