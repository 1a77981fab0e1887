using Mesh.Inventory.Feeds;
using Mesh.Storage;
using Mesh.Storage.Postgres;

namespace Mesh.Inventory.Storage.Postgres;

/// <summary>
/// The inventory database on PostgreSQL: the same tables, constraints and migration steps as
/// the SQLite schema, so both providers store and refuse exactly the same things. Times stay
/// bigint unix milliseconds. Keys are <c>COLLATE "C"</c> so ORDER BY is ordinal like SQLite's
/// BINARY (ListItems page tokens) and every replica locks item rows in the same order.
/// </summary>
internal static class PostgresInventoryMigrations
{
    private const string V1Catalog = """
        CREATE TABLE items (
            sku              text COLLATE "C" NOT NULL PRIMARY KEY,
            name             text   NOT NULL,
            currency_code    text   NOT NULL,
            unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0),
            initial_quantity bigint NOT NULL CHECK (initial_quantity >= 0),
            on_hand          bigint NOT NULL CHECK (on_hand >= 0),
            reserved         bigint NOT NULL CHECK (reserved >= 0),
            create_time_ms   bigint NOT NULL,
            update_time_ms   bigint NOT NULL,
            CHECK (reserved <= on_hand)
        );

        -- One row per applied AdjustStock call: the idempotency record and the audit trail.
        CREATE TABLE stock_adjustments (
            request_id     text COLLATE "C" NOT NULL PRIMARY KEY,
            sku            text COLLATE "C" NOT NULL REFERENCES items (sku),
            delta          bigint NOT NULL CHECK (delta <> 0),
            reason         text   NOT NULL,
            create_time_ms bigint NOT NULL
        );

        CREATE INDEX stock_adjustments_by_sku ON stock_adjustments (sku, create_time_ms);

        CREATE TABLE reservations (
            reservation_id text COLLATE "C" NOT NULL PRIMARY KEY,
            state          text   NOT NULL CHECK (state IN ('HELD', 'COMMITTED', 'RELEASED', 'EXPIRED')),
            expire_time_ms bigint NOT NULL,
            create_time_ms bigint NOT NULL,
            update_time_ms bigint NOT NULL
        );

        -- The expiry sweep only ever looks at held reservations, oldest deadline first.
        CREATE INDEX reservations_held_by_expiry ON reservations (expire_time_ms, reservation_id) WHERE state = 'HELD';

        CREATE TABLE reservation_lines (
            reservation_id text COLLATE "C" NOT NULL REFERENCES reservations (reservation_id),
            line_index     integer NOT NULL CHECK (line_index >= 0),
            sku            text COLLATE "C" NOT NULL REFERENCES items (sku),
            quantity       bigint  NOT NULL CHECK (quantity > 0),
            PRIMARY KEY (reservation_id, line_index),
            UNIQUE (reservation_id, sku)
        );

        CREATE INDEX reservation_lines_by_sku ON reservation_lines (sku);
        """;

    // What each item was created with, so a CreateItem retry is recognised even after UpdateItem
    // changed the name or price (kept as its own step to mirror the SQLite history).
    private const string V3CreationFields = """
        ALTER TABLE items ADD COLUMN created_name text NOT NULL DEFAULT '';
        ALTER TABLE items ADD COLUMN created_currency_code text NOT NULL DEFAULT '';
        ALTER TABLE items ADD COLUMN created_unit_price_minor bigint NOT NULL DEFAULT 0;
        UPDATE items SET created_name = name, created_currency_code = currency_code, created_unit_price_minor = unit_price_minor;
        """;

    /// <summary>Every migration, oldest first; version N here is version N of the SQLite schema.</summary>
    public static IReadOnlyList<string> All { get; } = [V1Catalog, PostgresEventLog.Migration(InventoryEventLog.Name), V3CreationFields, ConsumerCursors.PostgresMigration];
}
