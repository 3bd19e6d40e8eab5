using System.Globalization;
using System.Text;

namespace AgentSessions.Reconcile.Hermes;

/// <summary>
/// Writes event payloads byte-for-byte as Hermes does: Python's <c>json.dumps(payload, ensure_ascii=False)</c>,
/// i.e. <c>", "</c> and <c>": "</c> separators (not compact), insertion-ordered keys, non-ASCII kept as is,
/// and only <c>"</c>, <c>\</c> and control characters escaped (lower-case <c>\u00xx</c>).
/// </summary>
internal static class PythonJson
{
    public static string Object(params ReadOnlySpan<KeyValuePair<string, object?>> fields)
    {
        var sb = new StringBuilder("{");
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            AppendString(sb, fields[i].Key);
            sb.Append(": ");
            switch (fields[i].Value)
            {
                case null:
                    sb.Append("null");
                    break;
                case string s:
                    AppendString(sb, s);
                    break;
                case int n:
                    sb.Append(n.ToString(CultureInfo.InvariantCulture));
                    break;
                case long n:
                    sb.Append(n.ToString(CultureInfo.InvariantCulture));
                    break;
                default:
                    throw new ArgumentException($"unsupported payload value type {fields[i].Value!.GetType()}", nameof(fields));
            }
        }

        return sb.Append('}').ToString();
    }

    public static KeyValuePair<string, object?> Field(string key, object? value) => new(key, value);

    /// <summary>Python's <c>len(str)</c>: code points, not UTF-16 units.</summary>
    public static int CodePointLength(string text)
    {
        var count = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }

            count++;
        }

        return count;
    }

    /// <summary>Python's <c>str.strip()</c>: also strips the separators U+001C–U+001F that .NET does not count as white space.</summary>
    public static string Strip(string text)
    {
        var start = 0;
        var end = text.Length;
        while (start < end && IsPythonSpace(text[start]))
        {
            start++;
        }

        while (end > start && IsPythonSpace(text[end - 1]))
        {
            end--;
        }

        return text[start..end];
    }

    public static bool IsBlank(string? text) => text is null || Strip(text).Length == 0;

    private static bool IsPythonSpace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';

    private static void AppendString(StringBuilder sb, string value)
    {
        sb.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case < ' ': sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: sb.Append(c); break;
            }
        }

        sb.Append('"');
    }
}
