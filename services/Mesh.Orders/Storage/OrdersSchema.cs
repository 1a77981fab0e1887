using Mesh.Orders.Feeds;
using Mesh.Storage;
using Mesh.Storage.Postgres;
using Mesh.Storage.Sqlite;

namespace Mesh.Orders.Storage;

/// <summary>
/// The orders database, one migration per entry, in each provider: the same tables, columns
/// and constraints (times and amounts as 64-bit integers in both), so one store maps rows
/// alike. Append only, never edit one that shipped.
/// </summary>
public static class OrdersSchema
{
    // 1: orders and their lines.
    // `sequence` orders listings and page tokens (newest first). `request_id` UNIQUE is the
    // idempotency claim: one order per PlaceOrder request_id, whatever races; `request_hash`
    // tells a retry from a reuse. `rejection_status` is the serialised google.rpc.Status a
    // REJECTED order was refused with, replayed to retries. Currency, total, name and prices
    // are NULL until the order is priced. The partial index finds abandoned PENDING orders.
    // Times are unix milliseconds (UTC).
    private const string CreateOrders = """
        CREATE TABLE orders (
            sequence         INTEGER PRIMARY KEY AUTOINCREMENT,
            order_id         TEXT    NOT NULL,
            request_id       TEXT    NOT NULL,
            request_hash     TEXT    NOT NULL,
            user_id          TEXT    NOT NULL,
            state            TEXT    NOT NULL CHECK (state IN ('pending', 'confirmed', 'cancelled', 'rejected')),
            currency_code    TEXT,
            total_minor      INTEGER,
            reason           TEXT    NOT NULL,
            rejection_status BLOB,
            create_time_ms   INTEGER NOT NULL,
            update_time_ms   INTEGER NOT NULL
        ) STRICT;
        CREATE UNIQUE INDEX orders_order_id ON orders (order_id);
        CREATE UNIQUE INDEX orders_request_id ON orders (request_id);
        CREATE INDEX orders_user_sequence ON orders (user_id, sequence);
        CREATE INDEX orders_pending_create_time ON orders (create_time_ms) WHERE state = 'pending';

        CREATE TABLE order_lines (
            order_id         TEXT    NOT NULL REFERENCES orders (order_id),
            line_no          INTEGER NOT NULL,
            sku              TEXT    NOT NULL,
            quantity         INTEGER NOT NULL CHECK (quantity > 0),
            name             TEXT,
            unit_price_minor INTEGER,
            line_total_minor INTEGER,
            PRIMARY KEY (order_id, line_no)
        ) STRICT, WITHOUT ROWID;
        """;

    // 3: the catalog cache fed by inventory's WatchInventory, and the cursor of that feed.
    // One row per sku with the item as of `sequence`, the inventory event (or snapshot head)
    // it was last written from: an event replaces a row only if its sequence is higher, a
    // snapshot replaces the whole table. Prices are in minor units of `currency_code`.
    private const string CreateCatalogItems = """
        CREATE TABLE catalog_items (
            sku              TEXT    PRIMARY KEY,
            name             TEXT    NOT NULL,
            currency_code    TEXT    NOT NULL,
            unit_price_minor INTEGER NOT NULL,
            available        INTEGER NOT NULL,
            reserved         INTEGER NOT NULL,
            sequence         INTEGER NOT NULL
        ) STRICT, WITHOUT ROWID;
        """;

    private const string CreateOrdersPostgres = """
        CREATE TABLE orders (
            sequence         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            order_id         text   NOT NULL,
            request_id       text   NOT NULL,
            request_hash     text   NOT NULL,
            user_id          text   NOT NULL,
            state            text   NOT NULL CHECK (state IN ('pending', 'confirmed', 'cancelled', 'rejected')),
            currency_code    text,
            total_minor      bigint,
            reason           text   NOT NULL,
            rejection_status bytea,
            create_time_ms   bigint NOT NULL,
            update_time_ms   bigint NOT NULL
        );
        CREATE UNIQUE INDEX orders_order_id ON orders (order_id);
        CREATE UNIQUE INDEX orders_request_id ON orders (request_id);
        CREATE INDEX orders_user_sequence ON orders (user_id, sequence);
        CREATE INDEX orders_pending_create_time ON orders (create_time_ms) WHERE state = 'pending';

        CREATE TABLE order_lines (
            order_id         text   NOT NULL REFERENCES orders (order_id),
            line_no          bigint NOT NULL,
            sku              text   NOT NULL,
            quantity         bigint NOT NULL CHECK (quantity > 0),
            name             text,
            unit_price_minor bigint,
            line_total_minor bigint,
            PRIMARY KEY (order_id, line_no)
        );
        """;

    private const string CreateCatalogItemsPostgres = """
        CREATE TABLE catalog_items (
            sku              text   PRIMARY KEY,
            name             text   NOT NULL,
            currency_code    text   NOT NULL,
            unit_price_minor bigint NOT NULL,
            available        bigint NOT NULL,
            reserved         bigint NOT NULL,
            sequence         bigint NOT NULL
        );
        """;

    public static SqliteSchema Sqlite { get; } = new(
    [
        CreateOrders,
        // 2: the order event log (transactional outbox) behind ListOrderEvents and WatchOrderEvents.
        // It starts empty: orders placed before this migration are not announced.
        SqliteEventLog.Migration(OrderEvents.LogName),
        ConsumerCursors.SqliteMigration + CreateCatalogItems,
    ]);

    /// <summary>The same three migrations for PostgreSQL, where several replicas share one database.</summary>
    public static PostgresSchema Postgres { get; } = new(
    [
        CreateOrdersPostgres,
        PostgresEventLog.Migration(OrderEvents.LogName),
        ConsumerCursors.PostgresMigration + CreateCatalogItemsPostgres,
    ]);
}
