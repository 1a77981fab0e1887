using Mesh.Orders.Feeds;
using Mesh.ServiceDefaults.Feeds;
using Mesh.ServiceDefaults.Storage;

namespace Mesh.Orders.Storage;

/// <summary>The orders database, one migration per entry; append only, never edit one that shipped.</summary>
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

    public static SqliteSchema Schema { get; } = new(
    [
        CreateOrders,
        // 2: the order event log (transactional outbox) behind ListOrderEvents and WatchOrderEvents.
        // It starts empty: orders placed before this migration are not announced.
        SqliteEventLog.Migration(OrderEvents.LogName),
        ConsumerCursors.Migration + CreateCatalogItems,
    ]);
}
