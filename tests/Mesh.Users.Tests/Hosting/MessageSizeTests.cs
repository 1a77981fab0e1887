using Grpc.Core;
using Mesh.Users.Tests.Support;
using Mesh.Users.V1;
using Xunit;

namespace Mesh.Users.Tests.Hosting;

public sealed class MessageSizeTests(UsersHost host) : IClassFixture<UsersHost>
{
    [Fact]
    public async Task CreateUser_RequestOverOneMebibyte_FailsResourceExhausted()
    {
        var request = new CreateUserRequest
        {
            RequestId = TestData.NewRequestId(),
            Email = TestData.UniqueEmail(),
            DisplayName = new string('x', 1024 * 1024 + 1),
        };

        await host.RejectsAsync(StatusCode.ResourceExhausted, () => host.Client.CreateUserAsync(request).ResponseAsync);
    }

    [Fact]
    public async Task BatchGetUsers_RequestOverOneMebibyte_FailsResourceExhausted()
    {
        var request = new BatchGetUsersRequest { UserIds = { Enumerable.Range(0, 30_000).Select(_ => Guid.NewGuid().ToString()) } };

        await host.RejectsAsync(StatusCode.ResourceExhausted, () => host.Client.BatchGetUsersAsync(request).ResponseAsync);
    }
}
