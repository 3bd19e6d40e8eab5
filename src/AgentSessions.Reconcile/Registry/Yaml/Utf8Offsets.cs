using System.Text;

namespace AgentSessions.Reconcile.Yaml;

/// <summary>
/// Turns offsets into a text (UTF-16 units, as the parser counts) into offsets into its UTF-8 bytes,
/// where the rows are copied from when a change is written: the same numbers for ASCII text, else
/// counted from the last offset asked (rows are asked in order, so the text is walked about once).
/// A negative offset (no place) stays as it is.
/// </summary>
internal sealed class Utf8Offsets(string? text)
{
    // No text: the offsets are byte offsets already (ASCII bytes read as they are).
    private readonly bool ascii = text is null || Ascii.IsValid(text);
    private int chars;
    private int bytes;

    public static RowSpan[] Of(string text, List<RowSpan> spans) => Of(new Utf8Offsets(text), spans);

    public static RowSpan[] Of(Utf8Offsets offsets, List<RowSpan> spans)
    {
        var result = new RowSpan[spans.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = new RowSpan(offsets.Of(spans[i].Start), offsets.Of(spans[i].ContentEnd));
        }

        return result;
    }

    public int Of(int offset)
    {
        if (ascii || offset < 0)
        {
            return offset;
        }

        bytes += offset >= chars
            ? Encoding.UTF8.GetByteCount(text!.AsSpan(chars, offset - chars))
            : -Encoding.UTF8.GetByteCount(text!.AsSpan(offset, chars - offset));
        chars = offset;
        return bytes;
    }
}
