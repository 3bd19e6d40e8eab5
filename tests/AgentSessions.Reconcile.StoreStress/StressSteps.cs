using System.Globalization;

namespace AgentSessions.Reconcile.StoreStress;

/// <summary>The deterministic change the crash test applies: step N of a known sequence of registry versions.</summary>
public static class StressSteps
{
    public const string RowName = "stress-row";

    public static readonly DateTimeOffset Epoch = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

    /// <summary>Applies the next step and returns its number.</summary>
    public static int Next(Registry registry)
    {
        var row = registry.Find(RowName);
        if (row is null)
        {
            row = new SessionRow(RowName) { Agent = "claude", Status = SessionStatus.Running };
            registry.Sessions.Insert(0, row);
        }

        var n = int.TryParse(row.LastVisibleNote, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v + 1 : 1;
        row.LastVisibleNote = n.ToString(CultureInfo.InvariantCulture);
        row.UpdatedAt = Epoch.AddSeconds(n);
        if (n % 3 == 0)
        {
            registry.Sessions.Add(new SessionRow("extra-" + n.ToString(CultureInfo.InvariantCulture)) { Status = SessionStatus.Running, Pane = new PaneInfo { Pid = n } });
        }

        if (n % 5 == 0)
        {
            var extra = registry.Sessions.FirstOrDefault(s => s.Name.StartsWith("extra-", StringComparison.Ordinal));
            if (extra is not null)
            {
                registry.Sessions.Remove(extra);
            }
        }

        return n;
    }

    /// <summary>Increments the counter kept in the <c>last_visible_note</c> of the row <paramref name="name"/>.</summary>
    public static int Increment(Registry registry, string name)
    {
        var row = registry.Find(name);
        if (row is null)
        {
            row = new SessionRow(name) { Status = SessionStatus.Running };
            registry.Sessions.Add(row);
        }

        var n = int.TryParse(row.LastVisibleNote, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v + 1 : 1;
        row.LastVisibleNote = n.ToString(CultureInfo.InvariantCulture);
        return n;
    }
}
