using AgentSessions.Reconcile.Cli.Running;

namespace AgentSessions.Reconcile.Cli.Tests.TestSupport;

/// <summary>A reconciler that returns scripted reports (or throws) and records each request.</summary>
internal sealed class ScriptedReconciler : IReconciler
{
    private readonly Func<int, ReconcileRequest, DriftReport> script;

    public ScriptedReconciler(Func<int, ReconcileRequest, DriftReport> script) => this.script = script;

    public List<ReconcileRequest> Requests { get; } = [];

    public Task<DriftReport> ReconcileAsync(ReconcileRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Requests.Add(new ReconcileRequest { DryRun = request.DryRun, Trigger = request.Trigger });
        return Task.FromResult(script(Requests.Count, request));
    }
}

/// <summary>A store that only answers paths and loads a fixed registry (or throws).</summary>
internal sealed class StubStore : IRegistryStore
{
    public StubStore(string root) => WorkspaceRoot = root;

    public string RegistryPath => Path.Combine(WorkspaceRoot, ".hermes", "agent-sessions.yaml");

    public string WorkspaceRoot { get; }

    public Registry Registry { get; set; } = new();

    public Exception? LoadError { get; set; }

    public Task<Registry> LoadAsync(CancellationToken cancellationToken = default) =>
        LoadError is null ? Task.FromResult(Registry) : Task.FromException<Registry>(LoadError);

    public Task<RegistryUpdateResult<TResult>> UpdateAsync<TResult>(Func<Registry, TResult> apply, RegistryUpdateOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The CLI never updates the store itself.");
}

/// <summary>A probe with a fixed tmux state.</summary>
internal sealed class StubProbe : ISessionProbe
{
    public TmuxState Tmux { get; set; } = TmuxState.Known([]);

    public Task<LiveState> ObserveAsync(Registry registry, string workspace, CancellationToken cancellationToken = default) =>
        Task.FromResult(new LiveState(Tmux).With(LiveKeys.Claude, new AgentFiles([])).With(LiveKeys.Agy, new AgentFiles([])));

    public Task<PaneCapture> CapturePaneAsync(string sessionName, int lines, CancellationToken cancellationToken = default) =>
        Task.FromResult(new PaneCapture(false, null, "stub"));
}

/// <summary>Hands out the stubs and records the settings it was asked for.</summary>
internal sealed class FakeServicesFactory : ICliServicesFactory
{
    public FakeServicesFactory(IReconciler reconciler) => Reconciler = reconciler;

    public IReconciler Reconciler { get; }

    public string? FoundRoot { get; set; }

    public CliSettings? Settings { get; private set; }

    public StubStore? Store { get; private set; }

    public StubProbe Probe { get; } = new();

    public Registry Registry { get; set; } = new();

    public Exception? LoadError { get; set; }

    public Dictionary<string, LastDrift> LastDrifts { get; } = [];

    public string? FindWorkspaceRoot(string startDirectory) => FoundRoot;

    public CliServices Create(CliSettings settings, TimeProvider timeProvider)
    {
        Settings = settings;
        Store = new StubStore(settings.WorkspaceRoot) { Registry = Registry, LoadError = LoadError };
        return new CliServices(Store, Probe, Reconciler);
    }

    public IReadOnlyDictionary<string, LastDrift> ReadLastDrifts(CliSettings settings, string workspaceName) => LastDrifts;
}

/// <summary>Runs <see cref="CliApp"/> in memory.</summary>
internal sealed class CliHarness
{
    public CliHarness(IReconciler? reconciler = null)
    {
        Factory = new FakeServicesFactory(reconciler ?? new ScriptedReconciler((_, r) => new DriftReport("lab", Some.At, r.DryRun, [])));
    }

    public FakeServicesFactory Factory { get; }

    public Dictionary<string, string> Variables { get; } = [];

    public HashSet<string> ExistingFiles { get; } = [];

    public HashSet<string> ExistingDirectories { get; } = ["/work/here", "/ws"];

    public StringWriter Out { get; } = new() { NewLine = "\n" };

    public StringWriter Error { get; } = new() { NewLine = "\n" };

    public bool Terminal { get; set; }

    public StopSignal Stop { get; } = new();

    public Task<int> RunAsync(params string[] args) => RunAsync(CancellationToken.None, args);

    public Task<int> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        var env = new CliEnvironment
        {
            GetVariable = name => Variables.GetValueOrDefault(name),
            CurrentDirectory = "/work/here",
            Out = Out,
            Error = Error,
            OutputIsTerminal = Terminal,
            Services = Factory,
            DirectoryExists = ExistingDirectories.Contains,
            FileExists = ExistingFiles.Contains,
        };
        return new CliApp(env, Stop).RunAsync(args, cancellationToken);
    }
}
