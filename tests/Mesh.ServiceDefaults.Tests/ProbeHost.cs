using Grpc.Core;
using Grpc.Net.Client;
using Mesh.ServiceDefaults.Health;
using Mesh.ServiceDefaults.Hosting;
using Mesh.ServiceDefaults.Validation;
using Mesh.Users.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.ServiceDefaults.Tests;

/// <summary>
/// A minimal service hosted with the Mesh defaults on TestServer: exercises the shared
/// interceptors, health, reflection and shutdown without any real service's logic.
/// </summary>
public sealed class ProbeHost : IAsyncDisposable
{
    private ProbeHost(WebApplication app, ToggleReadinessCheck readiness)
    {
        App = app;
        Readiness = readiness;
        Channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
        {
            HttpHandler = app.GetTestServer().CreateHandler(),
            MaxSendMessageSize = null,
        });
    }

    public WebApplication App { get; }

    public ToggleReadinessCheck Readiness { get; }

    public GrpcChannel Channel { get; }

    public static async Task<ProbeHost> StartAsync(Action<IServiceCollection>? configure = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration["Mesh:Health:CheckInterval"] = "00:00:00.050";
        builder.AddMeshDefaults("probe");
        var readiness = new ToggleReadinessCheck();
        builder.Services.AddSingleton<IReadinessCheck>(readiness);
        builder.Services.AddRequestValidator<CreateUserRequest, CreateUserValidator>();
        configure?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapMeshDefaults();
        app.MapGrpcService<ProbeUserService>();
        await app.StartAsync();
        return new ProbeHost(app, readiness);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await App.DisposeAsync();
    }

    public sealed class ToggleReadinessCheck : IReadinessCheck
    {
        public volatile bool Ready = true;

        public string Name => "toggle";

        public Task<bool> IsReadyAsync(CancellationToken cancellationToken) => Task.FromResult(Ready);
    }

    private sealed class CreateUserValidator : IRequestValidator<CreateUserRequest>
    {
        public void Validate(CreateUserRequest request, FieldErrors errors)
        {
            FieldRules.Uuid(errors, "request_id", request.RequestId);
            FieldRules.Text(errors, "display_name", request.DisplayName, 1, 100);
        }
    }

    /// <summary>Behaves according to the id it is asked for.</summary>
    private sealed class ProbeUserService : UserService.UserServiceBase
    {
        public override async Task<GetUserResponse> GetUser(GetUserRequest request, ServerCallContext context)
        {
            switch (request.UserId)
            {
                case "bug":
                    throw new InvalidOperationException("secret internal detail");
                case "sqlite-busy":
                    throw new Microsoft.Data.Sqlite.SqliteException("database is locked", 5);
                case "sqlite-file-gone":
                    throw new Microsoft.Data.Sqlite.SqliteException("unable to open database file", 14);
                case "postgres-serialization":
                    throw new Npgsql.PostgresException("could not serialize access", "ERROR", "ERROR", "40001");
                case "postgres-constraint":
                    throw new Npgsql.PostgresException("duplicate key value", "ERROR", "ERROR", "23505");
                case "slow":
                    await Task.Delay(TimeSpan.FromMilliseconds(400), CancellationToken.None);
                    break;
                case "wait-for-cancel":
                    await Task.Delay(Timeout.Infinite, context.CancellationToken);
                    break;
            }

            return new GetUserResponse { User = new User { UserId = request.UserId } };
        }

        public override Task<CreateUserResponse> CreateUser(CreateUserRequest request, ServerCallContext context) =>
            Task.FromResult(new CreateUserResponse { User = new User { DisplayName = request.DisplayName } });
    }
}
