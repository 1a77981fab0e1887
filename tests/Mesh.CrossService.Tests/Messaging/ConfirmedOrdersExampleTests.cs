using Mesh.ConfirmedOrders;
using Mesh.Orders.V1;
using Mesh.Testing.Messaging;

namespace Mesh.CrossService.Tests.Messaging;

/// <summary>
/// The README's outside consumer (examples/Mesh.ConfirmedOrders) against a real RabbitMQ: it
/// prints each confirmed order once, whatever else the exchange carries and however often a message
/// is published, and its queue keeps what was published before it ran.
/// </summary>
public sealed class ConfirmedOrdersExampleTests
{
    [BrokerFact]
    public async Task Example_PrintsEachConfirmedOrderOnce_AndIgnoresOtherEventsAndRepublishes()
    {
        var url = await TestBroker.UrlAsync();
        var options = new ConfirmedOrdersOptions(url, TestBroker.UniqueName("events"), TestBroker.UniqueName("confirmed-orders"), Count: 2);
        using var output = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        // The queue first, as deployed: what follows is published while the consumer is not running.
        await ConfirmedOrdersConsumer.DeclareQueueAsync(options, timeout.Token);
        await using var queue = BrokerQueue.Existing(url, options.Queue); // deleted at the end

        await using (var publisher = await BrokerPublisher.ConnectAsync(url, options.Exchange))
        {
            await publisher.PublishAsync("orders.order.placed", "orders:1", Event(1, OrderEventType.OrderPlaced, "order-a", 2500));
            await publisher.PublishAsync("orders.order.confirmed", "orders:2", Event(2, OrderEventType.OrderConfirmed, "order-a", 2500));
            await publisher.PublishAsync("orders.order.confirmed", "orders:2", Event(2, OrderEventType.OrderConfirmed, "order-a", 2500));
            await publisher.PublishAsync("orders.order.rejected", "orders:3", Event(3, OrderEventType.OrderRejected, "order-b", 100));
            await publisher.PublishAsync("orders.order.confirmed", "orders:4", Event(4, OrderEventType.OrderConfirmed, "order-c", 1999));
        }

        await ConfirmedOrdersConsumer.RunAsync(options, output, timeout.Token);

        Assert.Equal(
            [
                "order order-a confirmed for user user-1: 1 line(s), EUR 25.00 (event 2)",
                "order order-c confirmed for user user-1: 1 line(s), EUR 19.99 (event 4)",
            ],
            output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData(new string[0], null)]
    [InlineData(new[] { "--exchange" }, "amqp://127.0.0.1/")]
    [InlineData(new[] { "--colour", "blue" }, "amqp://127.0.0.1/")]
    public void Parse_IncompleteOrUnknownArguments_AsksForUsage(string[] args, string? environment) =>
        Assert.Null(ConfirmedOrdersOptions.Parse(args, environment));

    [Fact]
    public void Parse_BrokerFromTheEnvironment_WithDefaults() =>
        Assert.Equal(new ConfirmedOrdersOptions("amqp://127.0.0.1/", "mesh.events", "examples.confirmed-orders", 3),
            ConfirmedOrdersOptions.Parse(["--count", "3"], "amqp://127.0.0.1/"));

    private static OrderEvent Event(long sequence, OrderEventType type, string orderId, long totalMinor) => new()
    {
        Sequence = sequence,
        Type = type,
        Order = new Order
        {
            OrderId = orderId,
            UserId = "user-1",
            Lines = { new OrderLine { Sku = "MESH-MUG", Quantity = 1 } },
            Total = new Mesh.Common.V1.Money { CurrencyCode = "EUR", AmountMinor = totalMinor },
        },
    };
}
