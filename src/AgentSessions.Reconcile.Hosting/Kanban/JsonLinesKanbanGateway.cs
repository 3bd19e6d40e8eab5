using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentSessions.Reconcile;

/// <summary>
/// A gateway for an LLM worker: each call is written as one JSON line naming the Hermes tool and its arguments
/// (<c>{"tool":"kanban_comment","body":…}</c>, <c>{"tool":"kanban_heartbeat","note":…}</c>,
/// <c>{"tool":"kanban_block","reason":…,"kind":…}</c>), which the worker turns into the tool call.
/// Writing the line is the whole effect, so calls return <see cref="KanbanResult.Success"/> unless the writer fails.
/// </summary>
/// <remarks>
/// Lines are UTF-8 JSON with non-ASCII text of the BMP left as is (System.Text.Json still writes characters beyond it, such as emoji, as \u surrogate pairs, which every JSON reader restores): the reader is a model or a tool runner, not an HTML page,
/// so <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/> is safe here, and quotes, backslashes and control
/// characters (so every newline) are still escaped, which keeps each call on one line.
/// Comments can be read only when <see cref="JsonLinesKanbanGatewayOptions.IncomingComments"/> is set: a background
/// reader collects its lines until the end of input; the cursor counts the comments returned so far.
/// </remarks>
public sealed class JsonLinesKanbanGateway : IKanbanGateway
{
    private static readonly JsonLinesContext Json = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    });

    private readonly TextWriter _output;
    private readonly string? _taskId;
    private readonly string _selfAuthor;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _writeGate = new();
    private readonly Lock _incomingGate = new();
    private readonly List<KanbanComment> _incoming = [];
    private readonly List<string> _skipped = [];
    private readonly bool _canRead;

    /// <summary>Initializes a new instance of the <see cref="JsonLinesKanbanGateway"/> class.</summary>
    /// <param name="options">The options, or <see langword="null"/> for standard output and no incoming comments.</param>
    /// <param name="timeProvider">The clock that dates incoming comments without <c>created_at</c>, or <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    public JsonLinesKanbanGateway(JsonLinesKanbanGatewayOptions? options = null, TimeProvider? timeProvider = null)
    {
        options ??= new JsonLinesKanbanGatewayOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(options.SelfAuthor);
        _output = options.Output ?? Console.Out;
        _taskId = options.TaskId;
        _selfAuthor = options.SelfAuthor;
        _timeProvider = timeProvider ?? TimeProvider.System;
        if (options.IncomingComments is { } reader)
        {
            _canRead = true;
            _ = Task.Run(() => PumpAsync(reader));
        }
    }

    /// <inheritdoc />
    public Task<KanbanResult> CommentAsync(string body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return WriteAsync(new ToolLine("kanban_comment", _taskId, Body: body), cancellationToken);
    }

    /// <inheritdoc />
    public Task<KanbanResult> HeartbeatAsync(string? note, CancellationToken cancellationToken = default) =>
        WriteAsync(new ToolLine("kanban_heartbeat", _taskId, Note: string.IsNullOrEmpty(note) ? null : note), cancellationToken);

    /// <inheritdoc />
    public Task<KanbanResult> BlockAsync(string reason, KanbanBlockKind? kind, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reason);
        // Hermes's kind names are the enum names in snake case (needs_input).
        var kindText = kind is not { } k ? null
            : Enum.IsDefined(k) ? JsonNamingPolicy.SnakeCaseLower.ConvertName(k.ToString())
            : throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown block kind");
        return WriteAsync(new ToolLine("kanban_block", _taskId, Reason: reason, Kind: kindText), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Without <see cref="JsonLinesKanbanGatewayOptions.IncomingComments"/> the page is always empty. Lines that are not a comment object are skipped and named in the result's reason.</remarks>
    public Task<KanbanCommentPage> ReadCommentsAsync(KanbanCursor? cursor, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var seen = 0;
        if (cursor is not null && (!int.TryParse(cursor.Value, NumberStyles.None, CultureInfo.InvariantCulture, out seen) || seen < 0))
        {
            return Task.FromResult(new KanbanCommentPage(KanbanResult.Rejected($"invalid cursor '{cursor.Value}'"), [], cursor));
        }

        if (!_canRead)
        {
            return Task.FromResult(new KanbanCommentPage(KanbanResult.Success, [], cursor));
        }

        lock (_incomingGate)
        {
            seen = Math.Min(seen, _incoming.Count);
            KanbanComment[] fresh = [.. _incoming.Skip(seen)];
            var result = _skipped.Count == 0
                ? KanbanResult.Success
                : new KanbanResult(KanbanOutcome.Ok, "skipped incoming lines: " + string.Join("; ", _skipped));
            _skipped.Clear();
            return Task.FromResult(new KanbanCommentPage(result, fresh, new KanbanCursor(_incoming.Count.ToString(CultureInfo.InvariantCulture))));
        }
    }

    private Task<KanbanResult> WriteAsync(ToolLine line, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var text = JsonSerializer.Serialize(line, Json.ToolLine);
        try
        {
            // One writer at a time, and the line goes out whole: a reader splits on '\n'.
            lock (_writeGate)
            {
                _output.Write(text);
                _output.Write('\n');
                _output.Flush();
            }

            return Task.FromResult(KanbanResult.Success);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            return Task.FromResult(KanbanResult.Failed("writing the tool call: " + ex.Message));
        }
    }

    private async Task PumpAsync(TextReader reader)
    {
        var lineNumber = 0;
        try
        {
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                var comment = Parse(line, lineNumber, out var error);
                lock (_incomingGate)
                {
                    if (comment is not null)
                    {
                        _incoming.Add(comment);
                    }
                    else
                    {
                        _skipped.Add(error!);
                    }
                }
            }
        }
        catch (IOException ex)
        {
            lock (_incomingGate)
            {
                _skipped.Add($"incoming comments stopped after line {lineNumber}: {ex.Message}");
            }
        }
        catch (ObjectDisposedException)
        {
            // The owner closed the reader: no more comments.
        }
    }

    private KanbanComment? Parse(string line, int lineNumber, out string? error)
    {
        error = null;
        IncomingLine? incoming;
        try
        {
            incoming = JsonSerializer.Deserialize(line, Json.IncomingLine);
        }
        catch (JsonException ex)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"line {lineNumber}, column {(ex.BytePositionInLine ?? 0) + 1}: {ex.Message}");
            return null;
        }

        if (incoming?.Author is not { } author || incoming.Body is not { } body)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"line {lineNumber}: a comment needs \"author\" and \"body\"");
            return null;
        }

        var at = incoming.CreatedAt is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : _timeProvider.GetUtcNow();
        return new KanbanComment(author, body, at, string.Equals(author.Trim(), _selfAuthor.Trim(), StringComparison.Ordinal));
    }
}

/// <summary>One tool call, as written (snake_case, in this order).</summary>
internal sealed record ToolLine(string Tool, string? TaskId, string? Body = null, string? Note = null, string? Reason = null, string? Kind = null);

/// <summary>One incoming comment, as read.</summary>
internal sealed record IncomingLine(string? Author, string? Body, long? CreatedAt);

[JsonSerializable(typeof(ToolLine))]
[JsonSerializable(typeof(IncomingLine))]
internal sealed partial class JsonLinesContext : JsonSerializerContext;
