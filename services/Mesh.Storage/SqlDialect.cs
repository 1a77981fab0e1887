using System.Data.Common;

namespace Mesh.Storage;

/// <summary>
/// What really differs between SQLite and PostgreSQL for the stores: row locking, a few SQL
/// fragments, advisory locks and which errors mean "another writer won a race". Every statement
/// that is the same in both is written once in the store that runs it.
/// </summary>
public abstract class SqlDialect
{
    public abstract StorageProvider Provider { get; }

    /// <summary>
    /// The clause that ends a SELECT whose rows the write transaction goes on to change:
    /// <c>FOR UPDATE</c> on PostgreSQL (replicas write concurrently); empty on SQLite, whose
    /// single writer already excludes every other write.
    /// </summary>
    public abstract string ForUpdate { get; }

    /// <summary>
    /// The collation that orders text by code point, to follow an ORDER BY (empty on SQLite, whose
    /// default is already binary; <c>COLLATE "C"</c> on PostgreSQL, whose default follows the locale).
    /// </summary>
    public abstract string OrdinalCollation { get; }

    /// <summary>
    /// Like <see cref="ForUpdate"/>, but rows another transaction has locked are left out instead
    /// of waited for, so concurrent workers share a queue: <c>FOR UPDATE SKIP LOCKED</c> on
    /// PostgreSQL, empty on SQLite.
    /// </summary>
    public abstract string ForUpdateSkipLocked { get; }

    /// <summary>
    /// "<paramref name="expression"/> is one of the list bound to <c>@<paramref name="parameter"/></c>":
    /// Dapper expands <c>IN @list</c> on SQLite but sends the list as one array to PostgreSQL,
    /// where it must be <c>= ANY(@list)</c>.
    /// </summary>
    public abstract string InList(string expression, string parameter);

    /// <summary>The larger of two SQL expressions (<c>max(a, b)</c> in SQLite, <c>greatest(a, b)</c> in PostgreSQL).</summary>
    public abstract string Greatest(string first, string second);


    /// <summary>
    /// A command for constant <paramref name="sql"/> in <paramref name="session"/>, for the few hot
    /// paths that bind and read by hand: prepared once per connection and reused on SQLite, a plain
    /// command on PostgreSQL. Dispose it when done (on SQLite that hands it back).
    /// </summary>
    public abstract DbCommand Command(StoreSession session, string sql);

    /// <summary>True when <paramref name="exception"/> is a UNIQUE or PRIMARY KEY violation.</summary>
    public abstract bool IsUniqueViolation(Exception exception);

    /// <summary>
    /// True when the write lost a race with another writer and deciding again in a fresh
    /// transaction (which sees the winner) is the right answer: a unique violation, a deadlock
    /// or a serialization failure. Never true on SQLite, where writes do not race.
    /// </summary>
    public abstract bool IsLostRace(Exception exception);

    /// <summary>
    /// Serialises the writers of one kind (<paramref name="lockClass"/>, <paramref name="key"/>)
    /// until the transaction ends: a transaction-scoped advisory lock on PostgreSQL, nothing on
    /// SQLite (one writer at a time anyway).
    /// </summary>
    public abstract Task LockAsync(StoreSession session, int lockClass, int key);

    /// <summary>
    /// <see cref="LockAsync(StoreSession, int, int)"/> for a text key (an idempotency key), hashed
    /// by the server (<c>hashtext</c>) so every replica and version maps it to the same lock. A
    /// collision only makes two unrelated writers wait for each other.
    /// </summary>
    public abstract Task LockAsync(StoreSession session, int lockClass, string key);
}
