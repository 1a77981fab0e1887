using Mesh.Inventory.Domain;

namespace Mesh.Inventory.Tests.Domain;

public sealed class ReservationTtlTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 999_999_999)]
    [InlineData(300, 0)]
    [InlineData(899, 999_999_999)]
    [InlineData(900, 0)]
    public void IsWithinBounds_OneSecondToFifteenMinutes_IsTrue(long seconds, int nanos)
    {
        Assert.True(ReservationTtl.IsWithinBounds(seconds, nanos));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 999_999_999)]
    [InlineData(900, 1)]
    [InlineData(901, 0)]
    [InlineData(-5, 0)]
    [InlineData(5, -1)]
    [InlineData(5, 1_000_000_000)]
    [InlineData(long.MaxValue, 0)]
    [InlineData(long.MinValue, 0)]
    public void IsWithinBounds_OutsideRangeOrMalformed_IsFalse(long seconds, int nanos)
    {
        Assert.False(ReservationTtl.IsWithinBounds(seconds, nanos));
    }

    [Fact]
    public void FromParts_SecondsAndNanos_KeepsTickPrecision()
    {
        Assert.Equal(TimeSpan.FromSeconds(2) + TimeSpan.FromTicks(5), ReservationTtl.FromParts(2, 500));
    }
}
