using System.Globalization;
using System.Text;

namespace AgentSessions.Reconcile;

/// <summary>The texts the monitor writes on the card: drift comments, heartbeat notes, block reasons.</summary>
internal static class MonitorText
{
    private const string Ellipsis = "…";

    /// <summary>Formats a time as RFC 3339 in UTC with whole seconds (<c>2026-05-01T12:00:00Z</c>).</summary>
    public static string Rfc3339(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The heartbeat note: <c>alive, N drifts detected, last at &lt;time&gt;</c>.</summary>
    public static string Heartbeat(long driftsDetected, DateTimeOffset? lastAt) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"alive, {driftsDetected} drifts detected, last at {(lastAt is { } t ? Rfc3339(t) : "never")}");

    /// <summary>The block reason for a stop request.</summary>
    public static string StopReason(DateTimeOffset requestedAt) => "stop-requested by user at " + Rfc3339(requestedAt);

    /// <summary>
    /// Formats drifts as one comment of at most <paramref name="maxChars"/> characters: a header
    /// line, one line per drift that fits, and <c>… and N more drifts</c> for the rest.
    /// </summary>
    public static string DriftComment(string workspace, IReadOnlyList<Drift> drifts, int extra, int maxChars)
    {
        var total = drifts.Count + extra;
        var header = string.Create(
            CultureInfo.InvariantCulture,
            $"agent-sessions: {total} new {(total == 1 ? "drift" : "drifts")} in {workspace}");
        var sb = new StringBuilder(Truncate(header, maxChars));
        for (var i = 0; i < drifts.Count; i++)
        {
            var line = "\n- " + Line(drifts[i]);
            var rest = total - i - 1;

            // Room must remain for the summary of everything after this line.
            var reserve = rest == 0 ? 0 : 1 + MoreLine(rest).Length;
            if (sb.Length + line.Length + reserve <= maxChars)
            {
                sb.Append(line);
                continue;
            }

            // The first drift always shows, cut to fit, so a comment is never only a count.
            if (i == 0)
            {
                var room = maxChars - sb.Length - reserve;
                if (room > 4)
                {
                    sb.Append(Truncate(line, room));
                    continue;
                }
            }

            return WithMore(sb, total - i, maxChars);
        }

        return extra > 0 ? WithMore(sb, extra, maxChars) : sb.ToString();
    }

    // The summary of the drifts that did not fit, when it fits itself.
    private static string WithMore(StringBuilder sb, int count, int maxChars)
    {
        var more = MoreLine(count);
        return (sb.Length + 1 + more.Length <= maxChars ? sb.Append('\n').Append(more) : sb).ToString();
    }

    /// <summary>
    /// One line per verified terminal job event a pass applied:
    /// <c>agent-sessions: job j-42 completed (seq 7), session lab-api-creator-claude</c>.
    /// </summary>
    public static string JobEventsComment(IReadOnlyList<ReconcileJobEvent> events, int maxChars) =>
        Truncate(
            string.Join('\n', events.Select(e => string.Create(
                CultureInfo.InvariantCulture,
                $"agent-sessions: job {e.JobId} {e.Type} (seq {e.Sequence}), session {e.Session}"))),
            maxChars);

    /// <summary>The comment written once when passes start failing.</summary>
    public static string ReconcileFailed(Exception error, TimeSpan retryEvery, int maxChars) =>
        Truncate(
            string.Create(
                CultureInfo.InvariantCulture,
                $"agent-sessions: reconcile pass failed ({error.GetType().Name}): {error.Message} — retrying after a backoff of at most {retryEvery.TotalSeconds:0.###} s; said once until a pass succeeds."),
            maxChars);

    private static string Line(Drift drift) => $"[{drift.Class.Letter}] {drift.Message}";


    private static string MoreLine(int count) =>
        string.Create(CultureInfo.InvariantCulture, $"{Ellipsis} and {count} more {(count == 1 ? "drift" : "drifts")}");

    private static string Truncate(string text, int maxChars) =>
        text.Length <= maxChars ? text : string.Concat(text.AsSpan(0, maxChars - Ellipsis.Length), Ellipsis);
}
