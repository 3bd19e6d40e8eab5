using AgentSessions.Reconcile.Reconciling;
using AgentSessions.Reconcile.Testing;
using CsCheck;
using Microsoft.Extensions.Time.Testing;

namespace AgentSessions.Reconcile.Tests.Reconciling;

/// <summary>Properties of whole passes over generated registries and live states (fakes; state files in a temp folder).</summary>
public sealed class ReconcilerPropertyTests : IDisposable
{
    private static readonly string[] Cwds = ["/w/a", "/w/b", "/w/c"];
    private static readonly string[] Ids = ["id-1", "id-2", "id-3", "id-4", "id-5"];
    private static readonly SessionStatus?[] Statuses = [SessionStatus.Running, SessionStatus.Running, SessionStatus.Stopped, SessionStatus.Terminated, SessionStatus.Archived, null];
    private static readonly string[] Agents = ["claude", "agy", "codex"];

    private static readonly Gen<RowSpec> GenRow = Gen.Select(
        Gen.Select(Gen.Int[0, Statuses.Length - 1], Gen.Int[0, Statuses.Length - 1], Gen.Int[0, Cwds.Length - 1], Gen.Int[0, Agents.Length - 1]),
        Gen.Select(Gen.Int[0, Ids.Length], Gen.Int[0, Ids.Length], Gen.Int[0, Ids.Length], Gen.Bool),
        Gen.Select(Gen.Bool, Gen.Int[-5, 5], Gen.Bool),
        (a, b, c) => new RowSpec(a.Item1, a.Item2, a.Item3, a.Item4, b.Item1, b.Item2, b.Item3, b.Item4, c.Item1, c.Item2, c.Item3));

    private static readonly Gen<ArtifactSpec> GenArtifact = Gen.Select(Gen.Int[0, Ids.Length - 1], Gen.Int[0, Cwds.Length - 1], Gen.Int[-5, 10], Gen.Int[0, 2], (id, cwd, offset, kind) => new ArtifactSpec(id, cwd, offset, kind));

    private static readonly Gen<Scenario> GenScenario = Gen.Select(
        GenRow.Array[0, 7],
        GenArtifact.Array[0, 6],
        Gen.Select(Gen.Int[0, Agents.Length - 1], Gen.Int[0, Cwds.Length - 1], Gen.Bool).Array[0, 3],
        Gen.Int[0, 5],
        (rows, artifacts, extraTmux, unknownTmux) => new Scenario(rows, artifacts, extraTmux, unknownTmux == 0));

    private readonly string _stateRoot = Path.Combine(Path.GetTempPath(), "asr-props-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_stateRoot))
        {
            Directory.Delete(_stateRoot, recursive: true);
        }
    }

    [Fact]
    public void ReconcileAsync_SecondPassRightAfterFirst_ReportsNothingNewAndChangesNothing()
    {
        GenScenario.Sample(
            scenario =>
            {
                var (store, probe) = scenario.Build();
                var reconciler = Create(store, probe, out _);
                reconciler.ReconcileAsync(new ReconcileRequest()).GetAwaiter().GetResult();
                var afterFirst = store.Current;
                var writes = store.WriteCount;

                var second = reconciler.ReconcileAsync(new ReconcileRequest()).GetAwaiter().GetResult();

                second.Drifts.Should().BeEmpty(scenario.ToString());
                store.WriteCount.Should().Be(writes);
                RegistryCloner.ContentEquals(store.Current, afterFirst).Should().BeTrue();
            },
            iter: 300);
    }

    [Fact]
    public void ReconcileAsync_DryRun_NeverChangesTheStore()
    {
        GenScenario.Sample(
            scenario =>
            {
                var (store, probe) = scenario.Build();
                var before = store.Current;
                var reconciler = Create(store, probe, out var stateDir);

                var report = reconciler.ReconcileAsync(new ReconcileRequest { DryRun = true }).GetAwaiter().GetResult();

                RegistryCloner.ContentEquals(store.Current, before).Should().BeTrue();
                store.WriteCount.Should().Be(0);
                report.Drifts.Where(d => d.Applied).Should().BeEmpty();
                Directory.Exists(stateDir).Should().BeFalse();
                probe.CaptureCount.Should().Be(0);
            },
            iter: 300);
    }

    [Fact]
    public void ReconcileAsync_RowsInEndStates_AreNeverModified()
    {
        GenScenario.Sample(
            scenario =>
            {
                var (store, probe) = scenario.Build();
                var endRows = store.Current.Sessions.Where(r => r.IsInEndState).ToDictionary(r => r.Name, Some.Text);
                var reconciler = Create(store, probe, out _);

                reconciler.ReconcileAsync(new ReconcileRequest()).GetAwaiter().GetResult();
                reconciler.ReconcileAsync(new ReconcileRequest()).GetAwaiter().GetResult();

                var after = store.Current;
                foreach (var (name, text) in endRows)
                {
                    Some.Text(after.Find(name)!).Should().Be(text);
                }
            },
            iter: 300);
    }

    [Fact]
    public void ReconcileAsync_UnknownTmux_NeverTerminatesOrRegisters()
    {
        GenScenario.Sample(
            scenario =>
            {
                var (store, probe) = (scenario with { TmuxUnknown = true }).Build();
                var before = store.Current;
                var reconciler = Create(store, probe, out _);

                var report = reconciler.ReconcileAsync(new ReconcileRequest()).GetAwaiter().GetResult();

                var after = store.Current;
                after.Sessions.Select(r => r.Name).Should().Equal(before.Sessions.Select(r => r.Name));
                after.Sessions.Select(r => r.Status).Should().Equal(before.Sessions.Select(r => r.Status));
                report.TmuxKnown.Should().BeFalse();
                report.Drifts.Should().NotContain(d => d.Class == DriftClass.TmuxGone || d.Class == DriftClass.Unregistered || d.Class == DriftClass.EndStateAlive);
            },
            iter: 300);
    }

    private DefaultReconciler Create(FakeRegistryStore store, FakeSessionProbe probe, out string stateDir)
    {
        stateDir = Path.Combine(_stateRoot, Guid.NewGuid().ToString("N"));
        return new DefaultReconciler(store, probe, new ReconcilerOptions { StateDirectory = stateDir }, new FakeTimeProvider(Some.Now));
    }

    internal sealed record RowSpec(
        int Status,
        int Visible,
        int Cwd,
        int Agent,
        int OwnClaude,
        int OwnAgy,
        int Identity,
        bool TmuxAlive,
        bool HasCreatedAt,
        int CreatedOffset,
        bool SamePid);

    internal sealed record ArtifactSpec(int Id, int Cwd, int Offset, int Kind);

    internal sealed record Scenario(RowSpec[] Rows, ArtifactSpec[] Artifacts, (int Agent, int Cwd, bool Valid)[] ExtraTmux, bool TmuxUnknown)
    {
        public (FakeRegistryStore Store, FakeSessionProbe Probe) Build()
        {
            var registry = new AgentSessions.Reconcile.Registry { Workspace = "lab" };
            var probe = new FakeSessionProbe().SetTmuxKnown();
            for (var i = 0; i < Rows.Length; i++)
            {
                var s = Rows[i];
                var name = $"lab-p{i}-creator-{Agents[s.Agent]}";
                var row = new SessionRow(name)
                {
                    Agent = i % 3 == 0 ? null : Agents[s.Agent],
                    Cwd = Cwds[s.Cwd],
                    Status = Statuses[s.Status],
                    LastVisibleStatus = Statuses[s.Visible],
                    CreatedAt = s.HasCreatedAt ? Some.T0.AddMinutes(s.CreatedOffset) : null,
                    Pane = new PaneInfo { Pid = 100 + i, Cmd = Agents[s.Agent], Cwd = Cwds[s.Cwd] },
                    ClaudeSessionIdOwn = s.OwnClaude == 0 ? null : Ids[s.OwnClaude - 1],
                    AgySessionIdOwn = s.OwnAgy == 0 ? null : Ids[s.OwnAgy - 1],
                };
                if (s.Identity > 0)
                {
                    row.AgentIdentities[i % 2 == 0 ? "claude" : "agy"] = new Dictionary<string, string?>
                    {
                        [i % 2 == 0 ? "session_id" : "conversation_id"] = Ids[s.Identity - 1],
                    };
                }

                registry.Sessions.Add(row);
                if (s.TmuxAlive)
                {
                    probe.AddTmuxSession(name, Cwds[s.Cwd], s.SamePid ? 100 + i : 900 + i, Agents[s.Agent], Some.T0);
                }
            }

            for (var i = 0; i < ExtraTmux.Length; i++)
            {
                var (agent, cwd, valid) = ExtraTmux[i];
                probe.AddTmuxSession(valid ? $"lab-x{i}-creator-{Agents[agent]}" : $"other-x{i}", Cwds[cwd], 500 + i, Agents[agent], Some.T0.AddMinutes(i));
            }

            foreach (var a in Artifacts)
            {
                var at = Some.T0.AddMinutes(a.Offset);
                switch (a.Kind)
                {
                    case 0:
                        probe.AddTranscript(Cwds[a.Cwd], Ids[a.Id], at);
                        break;
                    case 1:
                        probe.AddAgyConversation(Ids[a.Id], at).SetAgyLastConversation(Cwds[a.Cwd], Ids[a.Id]);
                        break;
                    default:
                        probe.SetClaudeSessionPresence(Ids[a.Id], ArtifactPresence.Unknown);
                        break;
                }
            }

            if (TmuxUnknown)
            {
                probe.SetTmuxUnknown("tmux timed out");
            }

            return (new FakeRegistryStore(registry), probe);
        }

        public override string ToString() =>
            $"rows: [{string.Join(", ", Rows.Select(r => r.ToString()))}], artifacts: [{string.Join(", ", Artifacts.Select(a => a.ToString()))}], extra: [{string.Join(", ", ExtraTmux)}], unknown: {TmuxUnknown}";
    }
}
