namespace AgentSessions.Reconcile.Testing;

/// <summary>The fakes' one lock helper: a read or a change of their state under their lock.</summary>
internal static class LockExtensions
{
    public static T Read<T>(this Lock gate, Func<T> read)
    {
        lock (gate)
        {
            return read();
        }
    }

    public static void Run(this Lock gate, Action change)
    {
        lock (gate)
        {
            change();
        }
    }
}
