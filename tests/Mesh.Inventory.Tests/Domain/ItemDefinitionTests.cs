using Mesh.Inventory.Domain;

namespace Mesh.Inventory.Tests.Domain;

public sealed class ItemDefinitionTests
{
    private static readonly ItemDefinition Definition = new("MUG", "Mug", "USD", 1200, 100);

    private static ItemRecord Stored(string name = "Mug", string currency = "USD", long price = 1200, long initial = 100, long onHand = 100, long reserved = 0) =>
        new("MUG", name, currency, price, initial, onHand, reserved, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

    [Fact]
    public void Matches_SameFieldsAfterStockMoved_IsTrue()
    {
        Assert.True(Definition.Matches(Stored(onHand: 40, reserved: 7)));
    }

    [Theory]
    [InlineData("mug", "USD", 1200, 100)]
    [InlineData("Mug", "EUR", 1200, 100)]
    [InlineData("Mug", "USD", 1201, 100)]
    [InlineData("Mug", "USD", 1200, 99)]
    public void Matches_AnyDefiningFieldDiffers_IsFalse(string name, string currency, long price, long initial)
    {
        Assert.False(Definition.Matches(Stored(name, currency, price, initial)));
    }
}
