using Grpc.Core;
using Grpc.Net.Client;
using Mesh.ServiceDefaults.Feeds;
using Mesh.ServiceDefaults.Hosting;
using Mesh.ServiceDefaults.Storage;
using Mesh.Storage.Sqlite;
using Mesh.Users.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.ServiceDefaults.Tests.Feeds;

/// <summary>
/// A service with one event log ("probe") served through WatchUsers by the shared
/// <see cref="FeedStreamer"/>; tests append events as any service's writes would.
/// </summary>
public sealed class FeedProbeHost : IAsyncDisposable
{
    private FeedProbeHost(WebApplication app)
    {
        App = app;
        Channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = app.GetTestServer().CreateHandler() });
        Log = app.Services.GetRequiredService<SqliteEventLog>();
    }

    public WebApplication App { get; }

    public GrpcChannel Channel { get; }

    public SqliteEventLog Log { get; }

    public UserService.UserServiceClient Client => new(Channel);

    public static async Task<FeedProbeHost> StartAsync(string databasePath, TimeSpan? heartbeat = null, int pageSize = 64)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration["Mesh:Storage:Path"] = databasePath;
        builder.Configuration["Mesh:Feeds:HeartbeatInterval"] = (heartbeat ?? TimeSpan.FromSeconds(30)).ToString();
        builder.Configuration["Mesh:Feeds:PageSize"] = pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.AddMeshDefaults("probe");
        builder.AddMeshSqlite("probe.db", new SqliteSchema([SqliteEventLog.Migration("probe")]));
        builder.AddMeshEventLog("probe");
        var app = builder.Build();
        app.MapMeshDefaults();
        app.MapGrpcService<ProbeFeedService>();
        await app.StartAsync();
        return new FeedProbeHost(app);
    }

    /// <summary>Appends one event per key, each in its own write transaction; returns their sequences.</summary>
    public async Task<List<long>> AppendAsync(IEnumerable<string> keys)
    {
        var database = App.Services.GetRequiredService<SqliteDatabase>();
        var sequences = new List<long>();
        foreach (var key in keys)
        {
            sequences.Add(await database.WriteAsync((connection, transaction) =>
                Log.AppendAsync(connection, transaction, key, new UserEvent { Type = UserEventType.UserCreated, User = new User { UserId = key } }, DateTimeOffset.UtcNow)));
        }

        return sequences;
    }

    public Task<List<long>> AppendAsync(int count, string key = "k") => AppendAsync(Enumerable.Repeat(key, count));

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await App.DisposeAsync();
    }

    /// <summary>Serves the probe log: the user id carries the filter key, so tests can check filtering.</summary>
    private sealed class ProbeFeedService(FeedStreamer streamer, SqliteEventLog log) : UserService.UserServiceBase
    {
        public override Task WatchUsers(WatchUsersRequest request, IServerStreamWriter<WatchUsersResponse> responseStream, ServerCallContext context)
        {
            // The probe reuses WatchUsers' messages; a "k:" prefix in the metadata selects filter keys.
            var filter = context.RequestHeaders.GetValue("filter-keys")?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [];
            var startAtHead = context.RequestHeaders.GetValue("start-at-head") == "true";
            return streamer.StreamAsync(
                log,
                new FeedSubscription(request.AfterSequence, filter, startAtHead),
                stored =>
                {
                    var userEvent = UserEvent.Parser.ParseFrom(stored.Payload);
                    userEvent.Sequence = stored.Sequence;
                    return new WatchUsersResponse { Event = userEvent };
                },
                heartbeat => new WatchUsersResponse { Heartbeat = heartbeat },
                responseStream,
                context);
        }
    }
}
