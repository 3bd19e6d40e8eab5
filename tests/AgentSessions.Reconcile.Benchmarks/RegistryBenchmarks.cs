using System.Globalization;
using System.Text;
using AgentSessions.Reconcile.Yaml;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace AgentSessions.Reconcile.Benchmarks;

/// <summary>
/// The registry store at 10, 100, 1,000 and 20,000 sessions on the real file system, each step beside
/// its floor: a cold read (<see cref="ParseAndMap"/>) beside YamlDotNet's parser alone
/// (<see cref="ParserEventsFloor"/>); a load of unchanged bytes (<see cref="Load"/>) beside reading the
/// file (<see cref="ReadBytesFloor"/>); a locked, fsync'd one-row update beside writing, fsyncing and
/// renaming the same bytes (<see cref="WriteFsyncRenameFloor"/>, the baseline of the ratios).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortConfig))]
public class RegistryBenchmarks
{
    private static readonly YamlLimits Limits = new(64, 10_000);
    private string root = string.Empty;
    private string file = string.Empty;
    private IRegistryStore store = null!;
    private int tick;
    private string text = string.Empty;
    private byte[] bytes = [];

    [Params(10, 100, 1000, 20000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        root = Path.Combine(Path.GetTempPath(), "asr-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(root, ".hermes"));
        text = Generate(Rows);
        bytes = Encoding.UTF8.GetBytes(text);
        file = Path.Combine(root, ".hermes", "agent-sessions.yaml");
        File.WriteAllBytes(file, bytes);
        store = RegistryStore.Create(new RegistryStoreOptions { WorkspaceRoot = root });
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(root, recursive: true);

    /// <summary>The floor of any durable update: the same bytes to a temp file, fsync, rename, fsync of the folder.</summary>
    [Benchmark(Baseline = true)]
    public void WriteFsyncRenameFloor()
    {
        var folder = Path.Combine(root, ".hermes");
        var temp = Path.Combine(folder, "floor.tmp");
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, Path.Combine(folder, "floor.yaml"), overwrite: true);
        var fd = NativeMethods.Open(folder, NativeMethods.OpenReadOnlyDirectory, 0);
        NativeMethods.Fsync(fd);
        NativeMethods.Close(fd);
    }

    /// <summary>The floor of a read: the file's bytes.</summary>
    [Benchmark]
    public int ReadBytesFloor() => File.ReadAllBytes(file).Length;

    /// <summary>The floor of mapping: YamlDotNet's parser over the text, every event, nothing built.</summary>
    [Benchmark]
    public int ParserEventsFloor()
    {
        var parser = new YamlDotNet.Core.Parser(new YamlDotNet.Core.Scanner(new StringReader(text), skipComments: true));
        var n = 0;
        while (parser.MoveNext())
        {
            n++;
        }

        return n;
    }

    /// <summary>A cold read of the text in memory, as a dry run or <c>status</c> does it: the parser's events checked and mapped to typed rows.</summary>
    [Benchmark]
    public int ParseAndMap() => RegistryReader.Read("b", text, hasBom: false, Limits).Rows.Length;

    /// <summary>The store's load of unchanged bytes: read, compare with the last read, copy the rows.</summary>
    [Benchmark]
    public async Task<int> Load() => (await store.LoadAsync().ConfigureAwait(false)).Sessions.Count;

    /// <summary>Lock, read, change one row's note, splice and verify that row, write, fsync, <c>.bak</c>, renames.</summary>
    [Benchmark]
    public async Task<bool> UpdateOneRow()
    {
        var note = "tick " + (++tick).ToString(CultureInfo.InvariantCulture);
        var result = await store.UpdateAsync(r => r.Sessions[Rows / 2].LastVisibleNote = note).ConfigureAwait(false);
        return result.Written;
    }

    /// <summary>In process (no separate build: on the loaded build machine that times out), 1 warm-up, 5 iterations: minutes for the whole class.</summary>
    private sealed class ShortConfig : ManualConfig
    {
        public ShortConfig() =>
            AddJob(Job.Default.WithWarmupCount(1).WithIterationCount(5).WithToolchain(InProcessEmitToolchain.Instance));
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
