using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace AgentSessions.Reconcile.Cli.Output;

/// <summary>
/// Writes JSON strings with the least escaping JSON allows: <c>"</c>, <c>\</c> and control
/// characters only. Every other character, emoji included, is written as itself (UTF-8), which
/// the built-in encoders do not do (they escape characters outside the BMP).
/// </summary>
internal static class JsonText
{
    /// <summary>The characters <see cref="Escape"/> cannot copy as they are: quote, backslash, controls, DEL and surrogates.</summary>
    private static readonly SearchValues<char> Special = SearchValues.Create(SpecialChars());

    /// <summary>What <paramref name="write"/> writes, as UTF-8 (one line: not indented).</summary>
    public static byte[] ToUtf8(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.ToArray();
    }

    /// <summary>Writes a string value (or <c>null</c>) under <paramref name="name"/>.</summary>
    public static void WriteString(Utf8JsonWriter writer, string name, string? value)
    {
        writer.WritePropertyName(name);
        WriteStringValue(writer, value);
    }

    /// <summary>Writes a string value (or <c>null</c>).</summary>
    public static void WriteStringValue(Utf8JsonWriter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        // Quoted into a pooled buffer: a report of thousands of drifts leaves no string per value behind.
        var buffer = ArrayPool<char>.Shared.Rent((value.Length * 6) + 2);
        try
        {
            var n = 0;
            buffer[n++] = '"';
            n += Escape(value, buffer.AsSpan(n));
            buffer[n++] = '"';
            writer.WriteRawValue(buffer.AsSpan(0, n), skipInputValidation: true);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes a drift's key (<c>D:session:field</c>, as <see cref="DriftKey.ToString"/> spells it) under <c>key</c>, with no string made for it.</summary>
    public static void WriteKey(Utf8JsonWriter writer, DriftKey key)
    {
        writer.WritePropertyName("key");
        var field = key.Field ?? string.Empty;
        var buffer = ArrayPool<char>.Shared.Rent(((key.Session.Length + field.Length) * 6) + 5);
        try
        {
            var n = 0;
            buffer[n++] = '"';
            buffer[n++] = key.Class.Letter;
            buffer[n++] = ':';
            n += Escape(key.Session, buffer.AsSpan(n));
            if (key.Field is not null)
            {
                buffer[n++] = ':';
                n += Escape(key.Field, buffer.AsSpan(n));
            }

            buffer[n++] = '"';
            writer.WriteRawValue(buffer.AsSpan(0, n), skipInputValidation: true);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>Escapes <paramref name="value"/> into <paramref name="into"/> (room for six characters per character); returns the length.</summary>
    private static int Escape(string value, Span<char> into)
    {
        var n = 0;
        var rest = value.AsSpan();
        while (true)
        {
            // The characters that need nothing are copied a run at a time (most values are all of them).
            var plain = rest.IndexOfAny(Special);
            if (plain < 0)
            {
                rest.CopyTo(into[n..]);
                n += rest.Length;
                break;
            }

            rest[..plain].CopyTo(into[n..]);
            n += plain;
            var c = rest[plain];
            rest = rest[(plain + 1)..];
            var escape = c switch { '"' => '"', '\\' => '\\', '\n' => 'n', '\r' => 'r', '\t' => 't', '\b' => 'b', '\f' => 'f', _ => '\0' };
            if (escape != '\0')
            {
                into[n++] = '\\';
                into[n++] = escape;
            }
            else if (c < 0x20 || c == '\u007f')
            {
                into[n++] = '\\';
                into[n++] = 'u';
                ((int)c).TryFormat(into[n..], out var written, "x4", CultureInfo.InvariantCulture);
                n += written;
            }
            else if (char.IsHighSurrogate(c) && !rest.IsEmpty && char.IsLowSurrogate(rest[0]))
            {
                into[n++] = c;
                into[n++] = rest[0];
                rest = rest[1..];
            }
            else
            {
                // A lone surrogate cannot be UTF-8: the replacement character says something was there.
                into[n++] = '\uFFFD';
            }
        }

        return n;
    }

    private static string SpecialChars()
    {
        var chars = new List<char> { '"', '\\', '\u007f' };
        for (var c = '\0'; c < ' '; c++)
        {
            chars.Add(c);
        }

        for (var c = '\uD800'; c <= '\uDFFF'; c++)
        {
            chars.Add(c);
        }

        return new string([.. chars]);
    }

    /// <summary>Formats an instant as RFC 3339 UTC with whole seconds, like the registry.</summary>
    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The one-letter code of a drift class.</summary>
    public static string ClassCode(DriftClass driftClass) => driftClass.Letter.ToString();
}
