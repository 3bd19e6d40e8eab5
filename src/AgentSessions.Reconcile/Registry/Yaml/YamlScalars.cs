using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AgentSessions.Reconcile.Yaml;

/// <summary>How the store reads and writes scalars so that every YAML 1.1 or 1.2 reader sees the same type.</summary>
internal static partial class YamlScalars
{
    public static bool IsNullText(string value) =>
        value.Length == 0 || value is "~" or "null" or "Null" or "NULL";

    /// <summary>
    /// Gets a value indicating whether a plain scalar with this text could be read as something
    /// other than a string by a YAML 1.1 or 1.2 reader (null, bool, number, timestamp, merge key).
    /// </summary>
    public static bool LooksNonString(string value)
    {
        if (IsNullText(value))
        {
            return true;
        }

        switch (value)
        {
            case "y" or "Y" or "yes" or "Yes" or "YES" or "n" or "N" or "no" or "No" or "NO":
            case "true" or "True" or "TRUE" or "false" or "False" or "FALSE":
            case "on" or "On" or "ON" or "off" or "Off" or "OFF":
            case "<<" or "=":
                return true;
        }

        var c = value[0];
        if (char.IsAsciiDigit(c) || c is '+' or '-' or '.')
        {
            return NumberLike().IsMatch(value) || TimestampLike().IsMatch(value);
        }

        return false;
    }

    /// <summary>Gets a value indicating whether <paramref name="value"/> can be written as a plain scalar in block and flow context and read back as the same string.</summary>
    public static bool CanBePlainString(string value)
    {
        if (value.Length == 0 || value.Length > 512 || LooksNonString(value))
        {
            return false;
        }

        if (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]) || value[^1] == ':')
        {
            return false;
        }

        if ("-?:,[]{}#&*!|>'\"%@`".Contains(value[0], StringComparison.Ordinal))
        {
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var ch = value[i];
            if (ch is ',' or '[' or ']' or '{' or '}' || char.IsControl(ch) || ch is '\u0085' or '\u2028' or '\u2029' or '\uFEFF' || char.IsSurrogate(ch) || ch > '\uFFFD')
            {
                return false;
            }

            if (ch == ':' && i + 1 < value.Length && value[i + 1] == ' ')
            {
                return false;
            }

            if (ch == '#' && value[i - 1] == ' ')
            {
                return false;
            }
        }

        return true;
    }

    public static string DoubleQuote(string value)
    {
        var sb = new StringBuilder(value.Length + 2);
        sb.Append('"');
        foreach (var ch in value)
        {
            switch (ch)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\0': sb.Append("\\0"); break;
                default:
                    if (char.IsControl(ch) || ch is '\u0085' or '\u2028' or '\u2029' or '\uFEFF' or '\uFFFE' or '\uFFFF')
                    {
                        sb.Append("\\u").Append(((int)ch).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(ch);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    public static string RenderTimestamp(DateTimeOffset value)
    {
        var text = value.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var ticks = value.Ticks % TimeSpan.TicksPerSecond;
        if (ticks != 0)
        {
            text += "." + ticks.ToString("D7", CultureInfo.InvariantCulture).TrimEnd('0');
        }

        if (value.Offset == TimeSpan.Zero)
        {
            return text + "Z";
        }

        var offset = value.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return string.Create(CultureInfo.InvariantCulture, $"{text}{sign}{offset.Hours:D2}:{offset.Minutes:D2}");
    }

    public static bool TryParseTimestamp(string text, out DateTimeOffset value)
    {
        // The store's own form (2026-11-20T10:00:00Z) without the general parser (a sixth of a 20,000-row read); anything else below.
        if (text.Length == 20 && UtcSeconds(text) is { } utc)
        {
            value = utc;
            return true;
        }

        value = default;
        if (!Rfc3339().IsMatch(text))
        {
            return false;
        }

        return DateTimeOffset.TryParse(
            text.Replace(' ', 'T').Replace('t', 'T').Replace('z', 'Z'),
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal,
            out value);
    }

    /// <summary>Reads <c>yyyy-MM-ddTHH:mm:ssZ</c> when it is a valid time; <see langword="null"/> for anything else (left to the general parser).</summary>
    private static DateTimeOffset? UtcSeconds(string t)
    {
        const string Shape = "0000-00-00T00:00:00Z";
        for (var i = 0; i < Shape.Length; i++)
        {
            if (Shape[i] == '0' ? !char.IsAsciiDigit(t[i]) : t[i] != Shape[i])
            {
                return null;
            }
        }

        int Two(int at) => ((t[at] - '0') * 10) + t[at + 1] - '0';
        var (year, month, day) = ((Two(0) * 100) + Two(2), Two(5), Two(8));
        return year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month) && Two(11) < 24 && Two(14) < 60 && Two(17) < 60
            ? new DateTimeOffset(year, month, day, Two(11), Two(14), Two(17), TimeSpan.Zero)
            : null;
    }

    public static bool TryParseInteger(string text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) && DecimalInteger().IsMatch(text);

    public static bool TryParseBool(string text, out bool value)
    {
        value = text is "true" or "True" or "TRUE";
        return value || text is "false" or "False" or "FALSE";
    }

    [GeneratedRegex(@"^(?:[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?0b[01_]+|[-+]?0o?[0-7_]+|[-+]?0x[0-9a-fA-F_]+|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberLike();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", RegexOptions.CultureInvariant)]
    private static partial Regex TimestampLike();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,7})?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();

    [GeneratedRegex(@"^[-+]?[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalInteger();
}
