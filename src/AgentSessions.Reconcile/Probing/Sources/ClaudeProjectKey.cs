using System.Text;

namespace AgentSessions.Reconcile.Probing;

/// <summary>
/// The name of a working directory's folder under <c>~/.claude/projects/</c>, by the rule of
/// Claude's own SDK: Unicode NFC of the real path, then every UTF-16 unit outside
/// <c>[A-Za-z0-9]</c> becomes <c>-</c>. Keys longer than 200 units are cut to 200 and get
/// <c>-&lt;hash&gt;</c>, whose hash differs between builds: match those by <see cref="FolderPrefix"/>.
/// </summary>
internal static class ClaudeProjectKey
{
    public const int MaxLength = 200;

    /// <summary>Computes the sanitized key of an (already resolved) path, without the hash suffix.</summary>
    public static string Compute(string realPath)
    {
        ArgumentNullException.ThrowIfNull(realPath);
        string normalized;
        try
        {
            normalized = realPath.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            // A lone surrogate cannot be normalized; the SDK would keep the string as it is.
            normalized = realPath;
        }

        return string.Create(normalized.Length, normalized, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = char.IsAsciiLetterOrDigit(c) ? c : '-';
            }
        });
    }

    /// <summary>Gets whether the folder name carries a build-dependent hash suffix.</summary>
    public static bool IsHashed(string key) => key.Length > MaxLength;

    /// <summary>Gets the prefix every folder of a hashed key starts with.</summary>
    public static string FolderPrefix(string key) => key[..MaxLength] + "-";
}
