using Microsoft.Data.Sqlite;

namespace AgentSessions.Reconcile.Hermes.Tests;

/// <summary>
/// Every parameter is bound explicitly. The gateway's old helper bound a parameter only if its name
/// occurred in the SQL text, so a value the statement did not use was dropped without a word.
/// </summary>
public sealed class SqliteStatementTests : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public SqliteStatementTests()
    {
        _connection.Open();
        SqliteStatement.Execute(_connection, "CREATE TABLE t (a INTEGER, b TEXT)");
    }

    public void Dispose() => _connection.Dispose();

    [Fact]
    public void Execute_ParameterTheStatementDoesNotName_ThrowsNotDropped()
    {
        var act = () => SqliteStatement.Execute(_connection, "INSERT INTO t (a) VALUES ($a)", ("$a", 1), ("$b", "lost"));

        act.Should().Throw<ArgumentException>().WithMessage("*names [$a] but was given [$a, $b]*");
        Count().Should().Be(0);
    }

    [Fact]
    public void Execute_StatementNamesAParameterNotGiven_Throws()
    {
        var act = () => SqliteStatement.Execute(_connection, "INSERT INTO t (a, b) VALUES ($a, $b)", ("$a", 1));

        act.Should().Throw<ArgumentException>().WithMessage("*names [$a, $b] but was given [$a]*");
        Count().Should().Be(0);
    }

    [Fact]
    public void Execute_SameNameGivenTwice_Throws()
    {
        var act = () => SqliteStatement.Execute(_connection, "INSERT INTO t (a) VALUES ($a)", ("$a", 1), ("$a", 2));

        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Execute_NamesThatArePrefixesAndNull_EachBound()
    {
        SqliteStatement.Execute(_connection, "INSERT INTO t (a, b) VALUES ($run, $run_id)", ("$run", 7), ("$run_id", null)).Should().Be(1);

        using var command = SqliteStatement.Create(_connection, "SELECT a, b IS NULL FROM t WHERE a = $run", ("$run", 7));
        using var reader = command.ExecuteReader();
        reader.Read().Should().BeTrue();
        (reader.GetInt64(0), reader.GetInt64(1)).Should().Be((7L, 1L), "a null value is bound as SQL NULL");
    }

    private long Count() => (long)SqliteStatement.Scalar(_connection, "SELECT count(*) FROM t")!;
}
