using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace AgentSessions.Reconcile.Reconciling;

/// <summary>One drift of a pass with what became of its change.</summary>
internal readonly record struct FoundDrift(PlannedDrift Planned, Drift Drift, MutationOutcome? Outcome);

/// <summary>Splits a pass's drifts into new ones and repeats, and computes the state for the next pass.</summary>
internal static class Coalescer
{
    /// <summary>
    /// A change this pass wrote is always reported. A repeat of a report-only drift (D, E) or of a
    /// change that could not be applied is silenced while its content is unchanged. A change found
    /// already made under the lock (another monitor made it) is not a new drift for this process.
    /// A dry run keeps nothing (<paramref name="keepNext"/> false): no next state is built, and a
    /// drift not reported before is not hashed.
    /// </summary>
    public static (List<Drift> Fresh, int Coalesced, DriftState? Next) Apply(
        DriftState previous,
        IEnumerable<FoundDrift> found,
        DiffResult diff,
        DateTimeOffset now,
        bool keepNext = true)
    {
        var next = keepNext ? new DriftState() : null;
        var fresh = new List<Drift>(diff.Drifts.Count);
        var coalesced = 0;
        foreach (var (planned, drift, outcome) in found)
        {
            var known = previous.Reported.TryGetValue(planned.Key, out var old);
            var hash = known || next is not null ? Hash(planned) : null;
            if (outcome is { AlreadyDone: true } || (!drift.Applied && known && string.Equals(old!.Hash, hash, StringComparison.Ordinal)))
            {
                coalesced++;
                if (known)
                {
                    next?.Reported[planned.Key] = old!;
                }
            }
            else
            {
                fresh.Add(drift);
                next?.Reported[planned.Key] = new ReportedDrift(hash!, drift.Message, now);
            }
        }

        if (next is null)
        {
            return (fresh, coalesced, null);
        }

        // A drift that could not be looked at this pass is not resolved: keep it as reported, so a
        // probe blip (unknown tmux, unreadable folder) does not make it reported again.
        foreach (var (key, reported) in previous.Reported)
        {
            if (!next.Reported.ContainsKey(key) && (diff.UndecidedKeys.Contains(key) || (!diff.TmuxKnown && key.Class.NeedsTmux)))
            {
                next.Reported[key] = reported;
            }
        }

        foreach (var (name, since) in diff.EndStateAliveFirstSeen)
        {
            next.EndStateAliveFirstSeen[name] = since;
        }

        return (fresh, coalesced, next);
    }

    /// <summary>
    /// The content hash of a drift: what was seen, not what was done. SHA-256 of the UTF-8 of key,
    /// field, before, after and observation joined by U+001F (the key in its text form), first 12 bytes
    /// in lower-case hex; encoded into one pooled buffer, so thousands of drifts leave no garbage but the hash.
    /// </summary>
    internal static string Hash(PlannedDrift drift)
    {
        var key = drift.Key;
        var observation = drift.Observation;
        Span<char> letter = [key.Class.Letter, ':'];
        var utf8 = Encoding.UTF8;
        var length = 2 + utf8.GetByteCount(key.Session) + (key.Field is null ? 0 : 1 + utf8.GetByteCount(key.Field))
            + 4 + utf8.GetByteCount(drift.Field ?? string.Empty) + utf8.GetByteCount(drift.Before ?? string.Empty)
            + utf8.GetByteCount(drift.After ?? string.Empty) + utf8.GetByteCount(observation);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var at = utf8.GetBytes(letter, rented);
            at += utf8.GetBytes(key.Session, rented.AsSpan(at));
            if (key.Field is not null)
            {
                rented[at++] = (byte)':';
                at += utf8.GetBytes(key.Field, rented.AsSpan(at));
            }

            foreach (var part in (ReadOnlySpan<string?>)[drift.Field, drift.Before, drift.After, observation])
            {
                rented[at++] = 0x1F;
                at += utf8.GetBytes(part ?? string.Empty, rented.AsSpan(at));
            }

            Span<byte> digest = stackalloc byte[32];
            SHA256.HashData(rented.AsSpan(0, at), digest);
            return Convert.ToHexStringLower(digest[..12]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
