using Grpc.Core;
using Grpc.Net.Client;
using Mesh.ServiceDefaults.Health;
using Mesh.ServiceDefaults.Hosting;
using Mesh.ServiceDefaults.Validation;
using Mesh.Testing;
using Mesh.Users.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.ServiceDefaults.Tests;

/// <summary>
/// A minimal service hosted with the Mesh defaults on TestServer: exercises the shared
/// interceptors, health, reflection and shutdown without any real service's logic.
/// </summary>
public sealed class ProbeHost : IAsyncDisposable
{
    private ProbeHost(WebApplication app, ToggleReadinessCheck readiness, LogCapture logs, Uri? loopbackAddress)
    {
        App = app;
        Readiness = readiness;
        Logs = logs;
        LoopbackAddress = loopbackAddress;
        Channel = loopbackAddress is null
            ? GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
            {
                HttpHandler = app.GetTestServer().CreateHandler(),
                MaxSendMessageSize = null,
            })
            : GrpcChannel.ForAddress(loopbackAddress, new GrpcChannelOptions { MaxSendMessageSize = null });
    }

    public WebApplication App { get; }

    public ToggleReadinessCheck Readiness { get; }

    public GrpcChannel Channel { get; }

    /// <summary>Everything the host logged (after the host's own level filters).</summary>
    public LogCapture Logs { get; }

    /// <summary>The 127.0.0.1 address of a host started with <c>overLoopback</c>; null on TestServer.</summary>
    public Uri? LoopbackAddress { get; }

    /// <summary>
    /// Starts the probe on TestServer, or with <paramref name="overLoopback"/> on real Kestrel at
    /// a free 127.0.0.1 port (for what only a real HTTP/2 server does: framing, limits).
    /// </summary>
    public static async Task<ProbeHost> StartAsync(Action<IServiceCollection>? configure = null, bool overLoopback = false, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder();
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.Configuration[key] = value;
        }

        if (overLoopback)
        {
            builder.Configuration[WebHostDefaults.ServerUrlsKey] = "http://127.0.0.1:0";
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        var logs = new LogCapture();
        builder.Logging.AddProvider(logs);
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
        var address = overLoopback
            ? new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single())
            : null;
        return new ProbeHost(app, readiness, logs, address);
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
    /// <summary>The server-side deadline of every "wait-for-cancel" call, in arrival order.</summary>
    public static System.Collections.Concurrent.ConcurrentQueue<DateTime> WaitedDeadlines { get; } = new();

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
                    WaitedDeadlines.Enqueue(context.Deadline);
                    await Task.Delay(Timeout.Infinite, context.CancellationToken);
                    break;
            }

            return new GetUserResponse { User = new User { UserId = request.UserId } };
        }

        public override Task<CreateUserResponse> CreateUser(CreateUserRequest request, ServerCallContext context) =>
            Task.FromResult(new CreateUserResponse { User = new User { DisplayName = request.DisplayName } });
    }
}
