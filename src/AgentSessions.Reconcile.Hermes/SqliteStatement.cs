using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace AgentSessions.Reconcile.Hermes;

/// <summary>
/// Commands whose parameters are all bound explicitly: a statement names exactly the
/// <c>$name</c> parameters it is given, each given one is bound, and a mismatch either way is
/// a programming error thrown at once (never a value silently left out). The statements here
/// have no <c>$</c> inside string literals.
/// </summary>
internal static partial class SqliteStatement
{
    public static SqliteCommand Create(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var named = ParameterName().Matches(sql).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        var given = parameters.Select(p => p.Name).ToList();
        if (!named.SetEquals(given) || given.Count != named.Count)
        {
            throw new ArgumentException(
                $"the statement names [{string.Join(", ", named.Order(StringComparer.Ordinal))}] but was given [{string.Join(", ", given)}]: {sql}",
                nameof(parameters));
        }

        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    public static int Execute(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Create(connection, sql, parameters);
        return command.ExecuteNonQuery();
    }

    public static object? Scalar(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Create(connection, sql, parameters);
        return command.ExecuteScalar();
    }

    [GeneratedRegex(@"\$[A-Za-z_][A-Za-z0-9_]*", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterName();
}
