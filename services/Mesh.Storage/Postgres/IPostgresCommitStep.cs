using Npgsql;

namespace Mesh.Storage.Postgres;

/// <summary>Statements a write transaction sends in the same round trip as its COMMIT (see <see cref="PostgresCommit"/>).</summary>
public interface IPostgresCommitStep
{
    /// <summary>Adds this step's statements to <paramref name="batch"/>, which ends with COMMIT. Each must return rows (one result set each).</summary>
    void AddTo(NpgsqlBatch batch);

    /// <summary>Reads this step's result sets, in the order its statements were added.</summary>
    Task ReadAsync(PostgresBatchResults results);

    /// <summary>The COMMIT succeeded: hand out what <see cref="ReadAsync"/> read.</summary>
    void Committed();

    /// <summary>The transaction rolled back, or whether it committed is unknown.</summary>
    void Abandoned();
}
