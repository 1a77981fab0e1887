using Mesh.Inventory.Domain;

namespace Mesh.Inventory.Tests.Domain;

public sealed class ItemChangeTests
{
    [Theory]
    [InlineData(ReservationStatus.Committed, ItemChangeKind.ReservationCommitted)]
    [InlineData(ReservationStatus.Released, ItemChangeKind.ReservationReleased)]
    [InlineData(ReservationStatus.Expired, ItemChangeKind.ReservationExpired)]
    public void LeavingHeld_FinalState_IsTheMatchingChange(ReservationStatus next, ItemChangeKind expected)
    {
        Assert.Equal(expected, ItemChange.LeavingHeld(next));
    }

    [Fact]
    public void LeavingHeld_ToHeld_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ItemChange.LeavingHeld(ReservationStatus.Held));
    }
}
