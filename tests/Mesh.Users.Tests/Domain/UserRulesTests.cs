using Mesh.Users.Domain;
using Xunit;

namespace Mesh.Users.Tests.Domain;

public sealed class UserRulesTests
{
    private static readonly DateTimeOffset Created = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Later = Created.AddHours(1);

    private static readonly UserRecord Active = new(
        "0190a8f0-0000-7000-8000-000000000001", "ada@example.com", "Ada", UserStatus.Active, Created, Created);

    [Fact]
    public void Apply_NoFieldsSet_ReturnsUserUnchanged()
    {
        var result = UserRules.Apply(Active, new UserChange(Active.UserId, null, null), Later);

        Assert.Equal(Active, result);
    }

    [Fact]
    public void Apply_SameValues_KeepsUpdateTime()
    {
        var result = UserRules.Apply(Active, new UserChange(Active.UserId, "ada@example.com", "Ada"), Later);

        Assert.Equal(Created, result.UpdateTime);
        Assert.Equal(Active, result);
    }

    [Fact]
    public void Apply_NewDisplayName_ChangesNameAndUpdateTimeOnly()
    {
        var result = UserRules.Apply(Active, new UserChange(Active.UserId, null, "Countess"), Later);

        Assert.Equal(Active with { DisplayName = "Countess", UpdateTime = Later }, result);
    }

    [Fact]
    public void Apply_EmailDifferingOnlyInCase_CountsAsChange()
    {
        var result = UserRules.Apply(Active, new UserChange(Active.UserId, "Ada@Example.com", null), Later);

        Assert.Equal("Ada@Example.com", result.Email);
        Assert.Equal(Later, result.UpdateTime);
    }

    [Fact]
    public void Apply_DeactivatedUser_KeepsDeactivatedState()
    {
        var deactivated = Active with { Status = UserStatus.Deactivated };

        var result = UserRules.Apply(deactivated, new UserChange(Active.UserId, null, "Countess"), Later);

        Assert.Equal(UserStatus.Deactivated, result.Status);
        Assert.Equal("Countess", result.DisplayName);
    }

    [Fact]
    public void Deactivate_ActiveUser_DeactivatesAtNow()
    {
        var result = UserRules.Deactivate(Active, Later);

        Assert.Equal(Active with { Status = UserStatus.Deactivated, UpdateTime = Later }, result);
    }

    [Fact]
    public void Deactivate_DeactivatedUser_ReturnsItUnchanged()
    {
        var deactivated = Active with { Status = UserStatus.Deactivated };

        Assert.Equal(deactivated, UserRules.Deactivate(deactivated, Later));
    }
}
