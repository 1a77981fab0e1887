using Mesh.Inventory.Storage;
using Mesh.Storage.Postgres;

namespace Mesh.Inventory.Tests.Storage;

/// <summary>One replica's view of the shared database.</summary>
public sealed record PostgresInventoryReplica(PostgresDatabase Database, PostgresEventLog Log, ItemStore Items, ReservationStore Reservations);
