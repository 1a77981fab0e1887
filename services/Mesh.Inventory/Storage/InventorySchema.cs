using Mesh.Inventory.Feeds;
using Mesh.Inventory.Storage.Postgres;
using Mesh.Storage;
using Mesh.Storage.Postgres;
using Mesh.Storage.Sqlite;

namespace Mesh.Inventory.Storage;

/// <summary>
/// The inventory database, as ordered migrations (append only) per provider. Times are INTEGER unix
/// milliseconds (UTC). Stock invariants are CHECK constraints, so no code path, however
/// wrong, can store negative availability.
/// </summary>
public static class InventorySchema
{
    private const string V1Catalog = """
        CREATE TABLE items (
            sku              TEXT    NOT NULL PRIMARY KEY,
            name             TEXT    NOT NULL,
            currency_code    TEXT    NOT NULL,
            unit_price_minor INTEGER NOT NULL CHECK (unit_price_minor >= 0),
            initial_quantity INTEGER NOT NULL CHECK (initial_quantity >= 0),
            on_hand          INTEGER NOT NULL CHECK (on_hand >= 0),
            reserved         INTEGER NOT NULL CHECK (reserved >= 0),
            create_time_ms   INTEGER NOT NULL,
            update_time_ms   INTEGER NOT NULL,
            CHECK (reserved <= on_hand)
        ) STRICT;

        -- One row per applied AdjustStock call: the idempotency record and the audit trail.
        CREATE TABLE stock_adjustments (
            request_id     TEXT    NOT NULL PRIMARY KEY,
            sku            TEXT    NOT NULL REFERENCES items (sku),
            delta          INTEGER NOT NULL CHECK (delta <> 0),
            reason         TEXT    NOT NULL,
            create_time_ms INTEGER NOT NULL
        ) STRICT;

        CREATE INDEX stock_adjustments_by_sku ON stock_adjustments (sku, create_time_ms);

        CREATE TABLE reservations (
            reservation_id TEXT    NOT NULL PRIMARY KEY,
            state          TEXT    NOT NULL CHECK (state IN ('HELD', 'COMMITTED', 'RELEASED', 'EXPIRED')),
            expire_time_ms INTEGER NOT NULL,
            create_time_ms INTEGER NOT NULL,
            update_time_ms INTEGER NOT NULL
        ) STRICT;

        -- The expiry sweep only ever looks at held reservations, oldest deadline first.
        CREATE INDEX reservations_held_by_expiry ON reservations (expire_time_ms) WHERE state = 'HELD';

        CREATE TABLE reservation_lines (
            reservation_id TEXT    NOT NULL REFERENCES reservations (reservation_id),
            line_index     INTEGER NOT NULL CHECK (line_index >= 0),
            sku            TEXT    NOT NULL REFERENCES items (sku),
            quantity       INTEGER NOT NULL CHECK (quantity > 0),
            PRIMARY KEY (reservation_id, line_index),
            UNIQUE (reservation_id, sku)
        ) STRICT;

        CREATE INDEX reservation_lines_by_sku ON reservation_lines (sku);
        """;

    // The outbox behind WatchInventory: one row per item change, written in the change's transaction.
    private static readonly string V2InventoryEvents = SqliteEventLog.Migration(InventoryEventLog.Name);

    // What each item was created with, so a CreateItem retry is recognised even after UpdateItem
    // changed the name or price (the launcher re-seeds its demo catalog on every run).
    private const string V3CreationFields = """
        ALTER TABLE items ADD COLUMN created_name TEXT NOT NULL DEFAULT '';
        ALTER TABLE items ADD COLUMN created_currency_code TEXT NOT NULL DEFAULT '';
        ALTER TABLE items ADD COLUMN created_unit_price_minor INTEGER NOT NULL DEFAULT 0;
        UPDATE items SET created_name = name, created_currency_code = currency_code, created_unit_price_minor = unit_price_minor;
        """;

    // 4: checkpoints, today only the event relay's ("relay.inventory"): how far the log reached the broker.
    private const string V4ConsumerCursors = ConsumerCursors.SqliteMigration;

    /// <summary>Every SQLite migration, oldest first.</summary>
    public static SqliteSchema Schema { get; } = new([V1Catalog, V2InventoryEvents, V3CreationFields, V4ConsumerCursors]);

    /// <summary>The same migrations for PostgreSQL (see <see cref="PostgresInventoryMigrations"/>).</summary>
    public static PostgresSchema PostgresSchema { get; } = new(PostgresInventoryMigrations.All);
}
