using Mesh.Inventory.Domain;

namespace Mesh.Inventory.Tests.Domain;

public sealed class ItemUpdateTests
{
    private static readonly ItemRecord Item = new("MUG", "Mug", "USD", 1200, 100, 40, 7, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

    [Fact]
    public void ApplyTo_OnlyPriceSet_KeepsNameAndStock()
    {
        var updated = new ItemUpdate("MUG", null, "EUR", 999).ApplyTo(Item);

        Assert.Equal(Item with { CurrencyCode = "EUR", UnitPriceMinor = 999 }, updated);
    }

    [Fact]
    public void ApplyTo_OnlyNameSet_KeepsPrice()
    {
        Assert.Equal(Item with { Name = "Cup" }, new ItemUpdate("MUG", "Cup", null, null).ApplyTo(Item));
    }

    [Theory]
    [InlineData("Mug", "USD", 1200L, false)]
    [InlineData(null, "USD", 1200L, false)]
    [InlineData("Mug", null, null, false)]
    [InlineData("mug", null, null, true)]
    [InlineData(null, "EUR", 1200L, true)]
    [InlineData(null, "USD", 1201L, true)]
    public void Changes_ComparedWithStoredValues_IsTrueOnlyWhenSomethingDiffers(string? name, string? currency, long? price, bool expected)
    {
        Assert.Equal(expected, new ItemUpdate("MUG", name, currency, price).Changes(Item));
    }
}
