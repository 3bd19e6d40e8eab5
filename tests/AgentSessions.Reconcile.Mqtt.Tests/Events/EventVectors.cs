using System.Text;
using System.Text.Json;

namespace AgentSessions.Reconcile.Mqtt.Tests;

/// <summary>One fixed signed event of <c>Interop/event-vectors.json</c> (a copy of ../shared/tools).</summary>
internal sealed record EventVector(string Name, string Token, string Topic, string Payload, string CanonicalWithoutSig, string Sig)
{
    public byte[] PayloadBytes => Encoding.UTF8.GetBytes(Payload);

    /// <summary>Gets the topic's prefix: everything before <c>/jobs/</c>.</summary>
    public string TopicPrefix => Topic[..Topic.IndexOf("/jobs/", StringComparison.Ordinal)];

    public JsonElement Envelope => JsonDocument.Parse(Payload).RootElement;

    public string JobId => Envelope.GetProperty("job_id").GetString()!;

    public DateTimeOffset Timestamp => DateTimeOffset.FromUnixTimeMilliseconds(Envelope.GetProperty("ts").GetInt64());

    public JobEntry Job => new(JobId) { AuthToken = Token };

    public override string ToString() => Name;
}

internal static class EventVectors
{
    public static readonly IReadOnlyList<EventVector> All = Load();

    public static TheoryData<string> Names => new(All.Select(v => v.Name));

    public static EventVector Get(string name) => All.Single(v => v.Name == name);

    private static List<EventVector> Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Interop", "event-vectors.json")));
        return document.RootElement.GetProperty("vectors").EnumerateArray()
            .Select(v => new EventVector(
                v.GetProperty("name").GetString()!,
                v.GetProperty("token").GetString()!,
                v.GetProperty("topic").GetString()!,
                v.GetProperty("payload").GetString()!,
                v.GetProperty("canonical_without_sig").GetString()!,
                v.GetProperty("sig").GetString()!))
            .ToList();
    }
}
