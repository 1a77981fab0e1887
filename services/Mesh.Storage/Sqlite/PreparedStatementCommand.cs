using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace Mesh.Storage.Sqlite;

/// <summary>
/// The command Dapper gets from a <see cref="LongLivedSqliteConnection"/>: it collects the SQL and
/// the parameters, and runs them on the connection's prepared command for that SQL. Dapper builds
/// a new command per call, and a new SqliteCommand parses its SQL again every time; this keeps the
/// stores on Dapper while each statement is parsed once per connection. Disposing it hands it back
/// to the connection for the next call, as the prepared commands are handed back.
/// </summary>
[SuppressMessage("Security", "CA2100", Justification = "The SQL comes from the stores' own constant text; values are parameters.")]
internal sealed class PreparedStatementCommand(LongLivedSqliteConnection connection) : DbCommand
{
    // Only for its parameter collection, which Microsoft.Data.Sqlite does not let us create alone.
    private readonly SqliteCommand _parameters = new();
    private SqliteCommand? _running;
    private int? _timeout;
    private bool _retired;

    [AllowNull]
    public override string CommandText { get; set; } = string.Empty;

    public override int CommandTimeout
    {
        get => _timeout ?? connection.DefaultTimeout;
        set => _timeout = value;
    }

    public override CommandType CommandType { get; set; } = CommandType.Text;

    public override bool DesignTimeVisible { get; set; }

    public override UpdateRowSource UpdatedRowSource { get; set; }

    protected override DbConnection? DbConnection
    {
        get => connection;
        set => throw new NotSupportedException("This command belongs to its connection.");
    }

    protected override DbParameterCollection DbParameterCollection => _parameters.Parameters;

    protected override DbTransaction? DbTransaction { get; set; }

    public override void Cancel() => _running?.Cancel();

    public override void Prepare()
    {
        // Prepared on first use and kept by the connection.
    }

    public override int ExecuteNonQuery()
    {
        try
        {
            return Rent().ExecuteNonQuery();
        }
        finally
        {
            HandBack();
        }
    }

    public override async Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await Rent().ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            HandBack();
        }
    }

    public override object? ExecuteScalar()
    {
        try
        {
            return Rent().ExecuteScalar();
        }
        finally
        {
            HandBack();
        }
    }

    public override async Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await Rent().ExecuteScalarAsync(cancellationToken);
        }
        finally
        {
            HandBack();
        }
    }

    protected override DbParameter CreateDbParameter() => new SqliteParameter();

    // The reader runs on the rented command, which goes back when this command is disposed.
    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => Rent().ExecuteReader(behavior);

    protected override async Task<DbDataReader> ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken) =>
        await Rent().ExecuteReaderAsync(behavior, cancellationToken);

    /// <summary>Really disposes it, when its connection closes.</summary>
    public void Retire()
    {
        _retired = true;
        Dispose();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_retired)
        {
            HandBack();
            _parameters.Parameters.Clear();
            CommandText = string.Empty;
            DbTransaction = null;
            _timeout = null;
            connection.Reuse(this);
            return;
        }

        if (disposing)
        {
            HandBack();
            _parameters.Dispose();
        }

        base.Dispose(disposing);
    }

    private SqliteCommand Rent()
    {
        HandBack();
        var command = connection.Prepared(CommandText, (SqliteTransaction?)DbTransaction);
        if (_timeout is { } timeout)
        {
            command.CommandTimeout = timeout;
        }

        foreach (SqliteParameter parameter in _parameters.Parameters)
        {
            // Dapper names parameters without the prefix, and Microsoft.Data.Sqlite then looks each
            // one up four times per statement ("x", "@x", "$x", ":x"), building a string for each:
            // in PlaceOrder's multi-statement writes that was most of the binding cost.
            if (parameter.ParameterName is [not ('@' or '$' or ':'), ..])
            {
                parameter.ParameterName = "@" + parameter.ParameterName;
            }

            command.Parameters.Add(parameter);
        }

        _running = command;
        return command;
    }

    /// <summary>Returns the rented command to the connection's cache (its parameters cleared, any reader closed).</summary>
    private void HandBack()
    {
        _running?.Dispose();
        _running = null;
    }
}
