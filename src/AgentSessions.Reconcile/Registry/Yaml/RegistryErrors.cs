using System.Globalization;

namespace AgentSessions.Reconcile.Yaml;

/// <summary>Builds <see cref="RegistryException"/>s whose message names the file, line, column and field.</summary>
internal static class RegistryErrors
{
    public static RegistryException At(
        RegistryErrorKind kind,
        string path,
        string sentence,
        int? line = null,
        int? column = null,
        string? field = null,
        Exception? inner = null)
    {
        var where = line is null
            ? path
            : string.Create(CultureInfo.InvariantCulture, $"{path}:{line}:{column ?? 1}");
        var message = field is null ? $"{where}: {sentence}" : $"{where}: {field}: {sentence}";
        return new RegistryException(kind, path, message, line, column ?? (line is null ? null : 1), field, inner);
    }
}
