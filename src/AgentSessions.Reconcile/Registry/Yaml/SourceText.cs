namespace AgentSessions.Reconcile.Yaml;

/// <summary>
/// The registry's text as the reader looks into it: a decoded string, or the file's own bytes when
/// they are all ASCII (one byte a character: nothing decoded, no second copy of a large file).
/// </summary>
internal sealed class SourceText
{
    private readonly string? text;
    private readonly byte[]? ascii;
    private readonly int start;

    public SourceText(string text) => (this.text, Length) = (text, text.Length);

    /// <summary>Initializes a new instance of the <see cref="SourceText"/> class over ASCII bytes from <paramref name="start"/> on.</summary>
    public SourceText(byte[] ascii, int start) => (this.ascii, this.start, Length) = (ascii, start, ascii.Length - start);

    public int Length { get; }

    /// <summary>Gets the decoded string, or <see langword="null"/> for ASCII bytes (whose offsets are byte offsets already).</summary>
    public string? Decoded => text;

    public char this[int index] => text is not null ? text[index] : (char)ascii![start + index];

    /// <summary>Gets where the line holding <paramref name="index"/> starts.</summary>
    public int LineStart(int index) =>
        index <= 0 ? 0 : (text is not null ? text.LastIndexOf('\n', index - 1) : ascii.AsSpan(start, index).LastIndexOf((byte)'\n')) + 1;

    /// <summary>Gets the first <c>}</c> or <c>]</c> at or after <paramref name="from"/>, or -1.</summary>
    public int BracketFrom(int from)
    {
        var i = text is not null ? text.AsSpan(from).IndexOfAny('}', ']') : ascii.AsSpan(start + from).IndexOfAny((byte)'}', (byte)']');
        return i < 0 ? -1 : from + i;
    }

    public bool HasCrLf => text is not null ? text.Contains("\r\n", StringComparison.Ordinal) : ascii.AsSpan(start).IndexOf("\r\n"u8) >= 0;

    /// <summary>Gets a value indicating whether the characters from <paramref name="from"/> up to <paramref name="to"/> are all spaces.</summary>
    public bool OnlySpaces(int from, int to) =>
        text is not null ? text.AsSpan(from, to - from).Trim(' ').IsEmpty : ascii.AsSpan(start + from, to - from).Trim((byte)' ').IsEmpty;

    public TextReader Reader() => text is not null ? new StringReader(text) : new AsciiReader(ascii!, start);

    public override string ToString() => text ?? System.Text.Encoding.ASCII.GetString(ascii.AsSpan(start));

    /// <summary>Reads ASCII bytes as characters.</summary>
    private sealed class AsciiReader(byte[] bytes, int at) : TextReader
    {
        public override int Peek() => at < bytes.Length ? bytes[at] : -1;

        public override int Read() => at < bytes.Length ? bytes[at++] : -1;

        public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

        public override int Read(Span<char> buffer)
        {
            var n = Math.Min(buffer.Length, bytes.Length - at);
            System.Text.Ascii.ToUtf16(bytes.AsSpan(at, n), buffer, out _);
            at += n;
            return n;
        }
    }
}
