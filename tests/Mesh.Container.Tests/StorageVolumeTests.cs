using Mesh.Container.Tests.Support;
using Mesh.Users.V1;

namespace Mesh.Container.Tests;

/// <summary>With a read-only root filesystem the database lives on the /data volume and survives a restart.</summary>
[Collection(MeshContainersCollection.Name)]
public sealed class StorageVolumeTests(MeshContainers mesh)
{
    [ContainerFact]
    public async Task GetUser_AfterContainerRestart_FindsUserStoredOnVolume()
    {
        var unique = Guid.NewGuid().ToString("N")[..12];
        string userId;
        using (var channel = mesh.Channel(ServiceImage.Users))
        {
            userId = (await new UserService.UserServiceClient(channel).CreateUserAsync(
                new CreateUserRequest { RequestId = Guid.NewGuid().ToString(), Email = $"volume-{unique}@mesh.dev", DisplayName = "Volume Test" },
                deadline: Deadlines.Call())).User.UserId;
        }

        await mesh.RestartAsync(ServiceImage.Users);
        using var restarted = mesh.Channel(ServiceImage.Users);
        var found = (await new UserService.UserServiceClient(restarted).GetUserAsync(
            new GetUserRequest { UserId = userId }, deadline: Deadlines.Call())).User;

        Assert.Equal($"volume-{unique}@mesh.dev", found.Email);
    }
}
