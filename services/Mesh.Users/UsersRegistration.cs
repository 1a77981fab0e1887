using Mesh.ServiceDefaults.Hosting;
using Mesh.ServiceDefaults.Storage;
using Mesh.Users.Api;
using Mesh.Users.Storage;
using Mesh.Users.V1;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mesh.Users;

public static class UsersRegistration
{
    /// <summary>Registers the users service's storage, request validators and repository.</summary>
    public static WebApplicationBuilder AddUsers(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.AddMeshSqlite("users.db", UsersSchema.Schema);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<UserRepository>();

        builder.Services.AddRequestValidator<CreateUserRequest, CreateUserRequestValidator>();
        builder.Services.AddRequestValidator<GetUserRequest, GetUserRequestValidator>();
        builder.Services.AddRequestValidator<BatchGetUsersRequest, BatchGetUsersRequestValidator>();
        builder.Services.AddRequestValidator<ListUsersRequest, ListUsersRequestValidator>();
        builder.Services.AddRequestValidator<UpdateUserRequest, UpdateUserRequestValidator>();
        builder.Services.AddRequestValidator<DeactivateUserRequest, DeactivateUserRequestValidator>();
        return builder;
    }
}
