using Grpc.Health.V1;
using Mesh.ServiceDefaults.Health;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Mesh.ServiceDefaults.Tests;

public class HealthStatusBoardTests
{
    [Fact]
    public void New_ReadinessNotServingLivenessServing()
    {
        var board = new HealthStatusBoard();

        Assert.Equal(ServingStatus.Serving, board.Get(HealthNames.Liveness));
        Assert.Equal(ServingStatus.NotServing, board.Get(HealthNames.Readiness));
        Assert.Equal(ServingStatus.NotServing, board.Get(string.Empty));
        Assert.Null(board.Get("mesh.users.v1.UserService"));
    }

    [Fact]
    public void AddService_FollowsReadiness()
    {
        var board = new HealthStatusBoard();
        board.AddService("mesh.users.v1.UserService");

        board.SetChecksPassing(true);
        Assert.Equal(ServingStatus.Serving, board.Get("mesh.users.v1.UserService"));

        board.SetChecksPassing(false);
        Assert.Equal(ServingStatus.NotServing, board.Get("mesh.users.v1.UserService"));
        Assert.Equal(ServingStatus.Serving, board.Get(HealthNames.Liveness));
    }

    [Fact]
    public void BeginDraining_StaysNotServingEvenWhenChecksPass()
    {
        var board = new HealthStatusBoard();
        board.SetChecksPassing(true);

        board.BeginDraining();
        board.SetChecksPassing(true);

        Assert.True(board.IsDraining);
        Assert.Equal(ServingStatus.NotServing, board.Get(HealthNames.Readiness));
        Assert.Equal(ServingStatus.Serving, board.Get(HealthNames.Liveness));
    }

    [Fact]
    public void NextChange_CompletesOnChangeOnly()
    {
        var board = new HealthStatusBoard();
        var change = board.NextChange();

        board.SetChecksPassing(false); // no change: already NOT_SERVING
        Assert.False(change.IsCompleted);

        board.SetChecksPassing(true);
        Assert.True(change.IsCompleted);
    }

    [Fact]
    public void SetIndependent_ReportsOnItsOwn_NeitherFollowingNorMovingReadiness()
    {
        var board = new HealthStatusBoard();
        board.SetChecksPassing(true);
        var change = board.NextChange();

        board.SetIndependent(HealthNames.Relay, serving: false);
        Assert.True(change.IsCompleted);
        Assert.Equal(ServingStatus.NotServing, board.Get(HealthNames.Relay));
        Assert.Equal(ServingStatus.Serving, board.Get(HealthNames.Readiness));

        board.SetIndependent(HealthNames.Relay, serving: true);
        board.BeginDraining();
        Assert.Equal(ServingStatus.Serving, board.Get(HealthNames.Relay));
        Assert.Equal(ServingStatus.NotServing, board.Get(HealthNames.Readiness));
    }

    [Fact]
    public void SetIndependent_ANameReadinessOrLivenessReports_IsRefused()
    {
        var board = new HealthStatusBoard();
        board.AddService("mesh.users.v1.UserService");

        Assert.Throws<ArgumentException>(() => board.SetIndependent(HealthNames.Readiness, serving: true));
        Assert.Throws<ArgumentException>(() => board.SetIndependent(HealthNames.Liveness, serving: true));
        Assert.Throws<ArgumentException>(() => board.SetIndependent("mesh.users.v1.UserService", serving: true));
        Assert.Equal(ServingStatus.NotServing, board.Get("mesh.users.v1.UserService"));
    }
}
