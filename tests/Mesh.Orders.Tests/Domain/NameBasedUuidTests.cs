using Mesh.Orders.Domain;

namespace Mesh.Orders.Tests.Domain;

public sealed class NameBasedUuidTests
{
    private const string Order = "01a215ee-dc2d-708b-b5c4-06271189abad";

    [Fact]
    public void ForCancelledLine_SameOrderAndSku_SameId()
    {
        Assert.Equal(NameBasedUuid.ForCancelledLine(Order, "pen"), NameBasedUuid.ForCancelledLine(Order, "pen"));
    }

    [Fact]
    public void ForCancelledLine_OtherSkuOrOrder_OtherId()
    {
        var ids = new[]
        {
            NameBasedUuid.ForCancelledLine(Order, "pen"),
            NameBasedUuid.ForCancelledLine(Order, "Pen"),
            NameBasedUuid.ForCancelledLine(Order, "pad"),
            NameBasedUuid.ForCancelledLine("11a215ee-dc2d-708b-b5c4-06271189abad", "pen"),
        };

        Assert.Equal(ids.Length, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Create_IsCanonicalLowerCaseVersion8Uuid()
    {
        var id = NameBasedUuid.Create("anything");

        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", id);
        Assert.Equal(8, Guid.Parse(id).Version);
    }

    [Fact]
    public void Create_KnownName_StableAcrossReleases()
    {
        // Ids already handed to inventory must never change, or a retried cancel would restock
        // twice. Expected value computed independently: SHA-256("mesh.orders.v1/cancel/<order>/pen"),
        // first 16 bytes, version nibble 8, variant bits 10.
        Assert.Equal("609af92d-dc9f-89f6-b2e3-b8420b20ec1f", NameBasedUuid.ForCancelledLine(Order, "pen"));
    }
}
