using Mesh.Inventory.Domain;

namespace Mesh.Inventory.Tests.Domain;

public sealed class StockAdjustmentTests
{
    private static readonly StockAdjustment Adjustment = new("0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e42", "MUG", -3, "damaged");

    [Fact]
    public void SameRequestAs_IdenticalFields_IsTrue()
    {
        Assert.True(Adjustment.SameRequestAs(Adjustment with { }));
    }

    [Theory]
    [InlineData("TEE", -3, "damaged")]
    [InlineData("MUG", -4, "damaged")]
    [InlineData("MUG", -3, "Damaged")]
    public void SameRequestAs_AnyFieldDiffers_IsFalse(string sku, long delta, string reason)
    {
        Assert.False(Adjustment.SameRequestAs(Adjustment with { Sku = sku, Delta = delta, Reason = reason }));
    }
}
