using System.Text;

namespace AgentSessions.Reconcile.Tests.Registry;

/// <summary>A temporary workspace folder with a <c>.hermes/</c> directory, deleted on dispose.</summary>
internal sealed class TempWorkspace : IDisposable
{
    public TempWorkspace()
    {
        Root = Path.Combine(Path.GetTempPath(), "asr-store-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path.Combine(Root, ".hermes"));
    }

    public string Root { get; }

    public string RegistryPath => Path.Combine(Root, ".hermes", "agent-sessions.yaml");

    public string LockPath => RegistryPath + ".lock";

    public string BackupPath => RegistryPath + ".bak";

    public IRegistryStore Store(TimeSpan? lockTimeout = null, TimeProvider? time = null) =>
        RegistryStore.Create(new RegistryStoreOptions { WorkspaceRoot = Root, LockTimeout = lockTimeout ?? TimeSpan.FromSeconds(10) }, time);

    public void Write(string text) => File.WriteAllText(RegistryPath, text, new UTF8Encoding(false));

    public string Read() => File.ReadAllText(RegistryPath, new UTF8Encoding(false));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
