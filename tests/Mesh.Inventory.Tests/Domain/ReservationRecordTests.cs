using Mesh.Inventory.Domain;

namespace Mesh.Inventory.Tests.Domain;

public sealed class ReservationRecordTests
{
    private static readonly ReservationRecord Held = new(
        "order:1",
        [new ReservationLineRecord("A", 2), new ReservationLineRecord("B", 3)],
        ReservationStatus.Held,
        DateTimeOffset.UnixEpoch.AddMinutes(5),
        DateTimeOffset.UnixEpoch);

    [Fact]
    public void HasSameLines_SameLinesInAnotherOrder_IsTrue()
    {
        Assert.True(Held.HasSameLines([new ReservationLineRecord("B", 3), new ReservationLineRecord("A", 2)]));
    }

    [Fact]
    public void HasSameLines_DifferentQuantity_IsFalse()
    {
        Assert.False(Held.HasSameLines([new ReservationLineRecord("A", 2), new ReservationLineRecord("B", 4)]));
    }

    [Fact]
    public void HasSameLines_SubsetOrSuperset_IsFalse()
    {
        Assert.False(Held.HasSameLines([new ReservationLineRecord("A", 2)]));
        Assert.False(Held.HasSameLines([new ReservationLineRecord("A", 2), new ReservationLineRecord("B", 3), new ReservationLineRecord("C", 1)]));
    }

    [Fact]
    public void HasSameLines_SkuDiffersOnlyInCase_IsFalse()
    {
        Assert.False(Held.HasSameLines([new ReservationLineRecord("a", 2), new ReservationLineRecord("B", 3)]));
    }
}
