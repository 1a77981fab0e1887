using Grpc.Health.V1;
using Mesh.Users.Tests.Support;
using Xunit;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Mesh.Users.Tests.Hosting;

public sealed class HealthTests
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("readiness")]
    [InlineData("liveness")]
    [InlineData("mesh.users.v1.UserService")]
    public async Task Check_AfterStart_ReportsServing(string service)
    {
        using var host = new UsersHost();
        var health = new Health.HealthClient(host.Channel);

        var status = await WaitForStatusAsync(health, service, ServingStatus.Serving);

        Assert.Equal(ServingStatus.Serving, status);
    }

    [Fact]
    public async Task Check_DatabaseFileDeleted_ReportsNotServingOnReadiness()
    {
        using var host = new UsersHost();
        var health = new Health.HealthClient(host.Channel);
        Assert.Equal(ServingStatus.Serving, await WaitForStatusAsync(health, "readiness", ServingStatus.Serving));

        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(host.DatabasePath + suffix);
        }

        Assert.Equal(ServingStatus.NotServing, await WaitForStatusAsync(health, "readiness", ServingStatus.NotServing));
        Assert.Equal(ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest { Service = "liveness" })).Status);
    }

    /// <summary>Polls until <paramref name="expected"/> or <see cref="MaxWait"/>; returns the last status seen.</summary>
    private static async Task<ServingStatus> WaitForStatusAsync(Health.HealthClient health, string service, ServingStatus expected)
    {
        var deadline = DateTime.UtcNow + MaxWait;
        while (true)
        {
            var status = (await health.CheckAsync(new HealthCheckRequest { Service = service })).Status;
            if (status == expected || DateTime.UtcNow >= deadline)
            {
                return status;
            }

            await Task.Delay(50);
        }
    }
}
