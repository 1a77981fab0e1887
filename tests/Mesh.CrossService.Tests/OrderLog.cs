using Mesh.Orders.V1;

namespace Mesh.CrossService.Tests;

/// <summary>The orders event log read back through ListOrderEvents: the truth the consumers are checked against.</summary>
internal static class OrderLog
{
    /// <summary>Every event after <paramref name="after"/>, page by page until an empty page.</summary>
    public static async Task<List<OrderEvent>> ReadAfterAsync(OrderService.OrderServiceClient orders, long after = 0)
    {
        ArgumentNullException.ThrowIfNull(orders);
        var events = new List<OrderEvent>();
        while (true)
        {
            var page = await orders.ListOrderEventsAsync(new ListOrderEventsRequest { AfterSequence = after, PageSize = 500 }, deadline: Deadlines.Call());
            if (page.Events.Count == 0)
            {
                return events;
            }

            events.AddRange(page.Events);
            after = page.Events[^1].Sequence;
        }
    }
}
