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
}
