using Mesh.Inventory.Domain;

namespace Mesh.Inventory.Tests.Domain;

public sealed class ReservationLifecycleTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ReservationRecord Reservation(ReservationStatus status, DateTimeOffset expireTime) =>
        new("order:1", [new ReservationLineRecord("A", 1)], status, expireTime, Now.AddMinutes(-5));

    [Fact]
    public void AfterCommit_HeldBeforeExpiry_IsCommitted()
    {
        Assert.Equal(ReservationStatus.Committed, ReservationLifecycle.AfterCommit(Reservation(ReservationStatus.Held, Now.AddTicks(1)), Now));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void AfterCommit_HeldAtOrPastExpiry_IsExpired(int secondsUntilExpiry)
    {
        var reservation = Reservation(ReservationStatus.Held, Now.AddSeconds(secondsUntilExpiry));

        Assert.Equal(ReservationStatus.Expired, ReservationLifecycle.AfterCommit(reservation, Now));
    }

    [Fact]
    public void AfterRelease_HeldBeforeExpiry_IsReleased()
    {
        Assert.Equal(ReservationStatus.Released, ReservationLifecycle.AfterRelease(Reservation(ReservationStatus.Held, Now.AddMinutes(1)), Now));
    }

    [Fact]
    public void AfterRelease_HeldPastExpiry_IsExpired()
    {
        Assert.Equal(ReservationStatus.Expired, ReservationLifecycle.AfterRelease(Reservation(ReservationStatus.Held, Now.AddMinutes(-1)), Now));
    }

    [Theory]
    [InlineData(ReservationStatus.Committed)]
    [InlineData(ReservationStatus.Released)]
    [InlineData(ReservationStatus.Expired)]
    public void AfterCommitAndAfterRelease_FinalState_StayUnchanged(ReservationStatus status)
    {
        var reservation = Reservation(status, Now.AddMinutes(1));

        Assert.Equal(status, ReservationLifecycle.AfterCommit(reservation, Now));
        Assert.Equal(status, ReservationLifecycle.AfterRelease(reservation, Now));
    }
}
