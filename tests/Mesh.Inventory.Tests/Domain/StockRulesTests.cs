using Mesh.Inventory.Domain;

namespace Mesh.Inventory.Tests.Domain;

public sealed class StockRulesTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ItemRecord Item(string sku, long onHand, long reserved) =>
        new(sku, "Item", "EUR", 100, onHand, onHand, reserved, Now, Now);

    [Fact]
    public void RemovalShortage_RemovingMoreThanAvailable_ReportsRequestedAndAvailable()
    {
        var shortage = StockRules.RemovalShortage(Item("A", onHand: 10, reserved: 4), delta: -7);

        Assert.Equal(new StockShortage("A", 7, 6), shortage);
    }

    [Theory]
    [InlineData(-6)]
    [InlineData(-1)]
    [InlineData(5)]
    public void RemovalShortage_WithinAvailableOrAdding_IsNull(long delta)
    {
        Assert.Null(StockRules.RemovalShortage(Item("A", onHand: 10, reserved: 4), delta));
    }

    [Fact]
    public void OnHandAfter_AddingPastInt64_IsNull()
    {
        Assert.Null(StockRules.OnHandAfter(long.MaxValue - 5, 6));
    }

    [Theory]
    [InlineData(long.MaxValue - 5, 5, long.MaxValue)]
    [InlineData(10, -10, 0)]
    [InlineData(0, 1_000_000_000, 1_000_000_000)]
    public void OnHandAfter_InRange_IsSum(long onHand, long delta, long expected)
    {
        Assert.Equal(expected, StockRules.OnHandAfter(onHand, delta));
    }

    [Fact]
    public void Shortages_SomeLinesShort_ListsEachShortLineInOrder()
    {
        var items = new Dictionary<string, ItemRecord>
        {
            ["A"] = Item("A", onHand: 5, reserved: 0),
            ["B"] = Item("B", onHand: 5, reserved: 5),
            ["C"] = Item("C", onHand: 9, reserved: 1),
        };

        var shortages = StockRules.Shortages(
            [new ReservationLineRecord("C", 9), new ReservationLineRecord("A", 5), new ReservationLineRecord("B", 1)],
            items);

        Assert.Equal([new StockShortage("C", 9, 8), new StockShortage("B", 1, 0)], shortages);
    }

    [Fact]
    public void Shortages_EveryLineFits_IsEmpty()
    {
        var items = new Dictionary<string, ItemRecord> { ["A"] = Item("A", onHand: 5, reserved: 2) };

        Assert.Empty(StockRules.Shortages([new ReservationLineRecord("A", 3)], items));
    }
}
