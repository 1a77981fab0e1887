using System.Data.Common;
using Dapper;
using Google.Protobuf;

namespace Mesh.Storage;

/// <summary>
/// One connection (and, for writes, its transaction) lent to a store for the duration of one
/// <see cref="StoreDatabase"/> call. Parameters are written <c>@name</c> in the SQL, which both
/// providers accept; rows are mapped by Dapper.
/// </summary>
public sealed class StoreSession(DbConnection connection, DbTransaction? transaction, SqlDialect dialect, CancellationToken cancellationToken)
{
    private List<(string Log, string Key)>? _appended;

    public DbConnection Connection { get; } = connection;

    /// <summary>The write (or snapshot) transaction; null for a plain read.</summary>
    public DbTransaction? Transaction { get; } = transaction;

    public SqlDialect Dialect { get; } = dialect;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public Task<IEnumerable<T>> QueryAsync<T>(string sql, object? parameters = null) =>
        Connection.QueryAsync<T>(Define(sql, parameters));

    public Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? parameters = null) =>
        Connection.QuerySingleOrDefaultAsync<T>(Define(sql, parameters));

    public Task<T?> ExecuteScalarAsync<T>(string sql, object? parameters = null) =>
        Connection.ExecuteScalarAsync<T>(Define(sql, parameters));

    /// <summary>Runs a statement; returns the number of rows it changed.</summary>
    public Task<int> ExecuteAsync(string sql, object? parameters = null) =>
        Connection.ExecuteAsync(Define(sql, parameters));

    /// <summary>
    /// A hand-bound command for a hot path the benchmark singled out (<see cref="SqlDialect.Command"/>);
    /// everything else goes through the Dapper methods above.
    /// </summary>
    public DbCommand Command(string sql, params ReadOnlySpan<(string Name, object Value)> parameters)
    {
        var command = Dialect.Command(this, sql);
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name; // both providers match it to @name in the SQL; SQLite finds it in one lookup
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    /// <summary>
    /// Appends an event to <paramref name="log"/> in this write transaction: it becomes visible
    /// with the state change it announces, or not at all (the transactional outbox).
    /// </summary>
    public Task AppendAsync(IEventLog log, string filterKey, IMessage payload, DateTimeOffset occurTime)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (Transaction is null)
        {
            throw new InvalidOperationException("Events are appended only inside a write transaction.");
        }

        (_appended ??= []).Add((log.Name, filterKey));
        return log.AppendAsync(this, filterKey, payload, occurTime);
    }

    /// <summary>The log and filter key of every event appended in this session, in append order.</summary>
    public IReadOnlyList<(string Log, string Key)> Appended => _appended ?? [];

    private CommandDefinition Define(string sql, object? parameters) =>
        new(sql, parameters, Transaction, cancellationToken: CancellationToken);
}
