using System.Buffers;
using System.IO.Abstractions;
using System.Text.Json;

namespace AgentSessions.Reconcile.Probing;

/// <summary>The <c>cwd</c> and <c>sessionId</c> of the first records of a transcript that carry them.</summary>
internal readonly record struct TranscriptHead(string? Cwd, string? SessionId)
{
    public bool IsComplete => Cwd is not null && SessionId is not null;

    /// <summary>
    /// Reads at most <paramref name="maxBytes"/> from the start of the file, opened read-only and
    /// sharing read, write and delete with the agent that appends to it.
    /// </summary>
    /// <exception cref="IOException">The file could not be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public static TranscriptHead Read(IFileSystem fileSystem, string path, int maxBytes)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(maxBytes);
        try
        {
            int filled = 0;
            bool endOfFile = false;
            using (var stream = fileSystem.FileStream.New(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1))
            {
                while (filled < maxBytes)
                {
                    var wanted = maxBytes - filled;
                    var read = stream.Read(buffer, filled, wanted);
                    filled += read;

                    // A regular file reads short only at its end: no second read to learn it.
                    if (read < wanted)
                    {
                        endOfFile = true;
                        break;
                    }
                }
            }

            return Parse(buffer.AsSpan(0, filled), endOfFile);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Parses JSON lines. A complete line that is not valid JSON is skipped (nothing taken from
    /// it); the last line, when the head ends inside it, is read as far as it goes.
    /// </summary>
    public static TranscriptHead Parse(ReadOnlySpan<byte> head, bool endOfFile)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            head = head[3..];
        }

        string? cwd = null;
        string? sessionId = null;
        while (head.Length > 0 && (cwd is null || sessionId is null))
        {
            var newline = head.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line;
            bool cutByHead;
            if (newline >= 0)
            {
                line = head[..newline];
                head = head[(newline + 1)..];
                cutByHead = false;
            }
            else
            {
                line = head;
                head = [];

                // At end of file an unterminated line is half-written: skip it unless it parses.
                // Cut by the head bound, it is a long record: take what can be read of it.
                cutByHead = !endOfFile;
            }

            ParseLine(line, cutByHead, ref cwd, ref sessionId);
        }

        return new TranscriptHead(cwd, sessionId);
    }

    private static void ParseLine(ReadOnlySpan<byte> line, bool cutByHead, ref string? cwd, ref string? sessionId)
    {
        string? foundCwd = null;
        string? foundId = null;
        var reader = new Utf8JsonReader(line, isFinalBlock: !cutByHead, state: default);
        var complete = false;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return;
            }

            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0)
                {
                    complete = true;
                    break;
                }

                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    continue;
                }

                var isCwd = reader.ValueTextEquals("cwd"u8);
                var isId = !isCwd && reader.ValueTextEquals("sessionId"u8);
                if (!reader.Read())
                {
                    break;
                }

                if (reader.TokenType == JsonTokenType.String)
                {
                    if (isCwd && foundCwd is null)
                    {
                        foundCwd = reader.GetString();
                    }
                    else if (isId && foundId is null)
                    {
                        foundId = reader.GetString();
                    }
                }
                else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
                {
                    break;
                }
            }
        }
        catch (JsonException)
        {
            // Not valid JSON (then not complete): only a line cut by the head bound keeps what was read of it.
        }
        catch (InvalidOperationException)
        {
            return;
        }

        if (!complete && !cutByHead)
        {
            return;
        }

        cwd ??= string.IsNullOrEmpty(foundCwd) ? null : foundCwd;
        sessionId ??= string.IsNullOrEmpty(foundId) ? null : foundId;
    }
}
