using System.Collections;
using System.Collections.Concurrent;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Health.V1;
using Mesh.Common.V1;
using Mesh.Inventory.V1;
using Mesh.Launcher;
using Mesh.Orders.V1;
using Mesh.Testing;
using Mesh.Users.V1;
using Xunit.Abstractions;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Mesh.CrossService.Tests;

/// <summary>
/// A bounded, deterministic fuzz run against the running mesh over loopback: for every method
/// of the three services, mutated and adversarial request bytes. Every call is answered with a
/// documented code, the services stay SERVING, log no error, and store nothing.
/// </summary>
[Collection(MeshCollection.Name)]
public sealed class MalformedRequestFuzzTests(MeshFixture fixture, ITestOutputHelper output)
{
    private const int Seed = 19;
    private const int FramesPerUnaryMethod = 200;
    private const int FramesPerStreamingMethod = 60;
    private const int Concurrency = 24;

    // What a caller's bad request may be answered with. A mutation can still parse into a valid
    // read (OK) or a stream that stays open until the test's short deadline (DEADLINE_EXCEEDED).
    private static readonly HashSet<StatusCode> UnaryCodes =
    [
        StatusCode.OK, StatusCode.InvalidArgument, StatusCode.NotFound, StatusCode.OutOfRange,
        StatusCode.FailedPrecondition, StatusCode.AlreadyExists, StatusCode.ResourceExhausted,
    ];

    private static readonly HashSet<StatusCode> StreamingCodes = [.. UnaryCodes, StatusCode.DeadlineExceeded];

    [Fact]
    public async Task EveryMethod_MutatedAndAdversarialFrames_DocumentedCodesNothingStoredNoErrorLogged()
    {
        using var timeout = Deadlines.After(240);
        var before = await SnapshotAsync();
        var errorsBefore = fixture.ErrorLines.Count;
        var random = new Random(Seed);
        var outcomes = new ConcurrentDictionary<(string Method, StatusCode Code), int>();
        var unexpected = new ConcurrentQueue<string>();
        using var gate = new SemaphoreSlim(Concurrency);
        var calls = new List<Task>();
        var channels = Enum.GetValues<MeshService>().ToDictionary(service => service, fixture.Channel);

        foreach (var (service, descriptor) in Services())
        {
            var invoker = channels[service].CreateCallInvoker();
            foreach (var method in descriptor.Methods)
            {
                var fullMethod = $"/{descriptor.FullName}/{method.Name}";
                var streaming = method.IsServerStreaming;
                var allowed = streaming ? StreamingCodes : UnaryCodes;
                var seed = InvalidSeed(method.InputType).ToByteArray();
                var frames = streaming ? FramesPerStreamingMethod : FramesPerUnaryMethod;
                for (var index = 0; index < frames; index++)
                {
                    var payload = Mutations.Apply(seed, index, random);
                    await gate.WaitAsync(timeout.Token);
                    calls.Add(Task.Run(async () =>
                    {
                        try
                        {
                            var status = await RawGrpc.CallAsync(invoker, fullMethod, streaming, payload,
                                streaming ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(20));
                            outcomes.AddOrUpdate((fullMethod, status.StatusCode), 1, (_, count) => count + 1);
                            if (!allowed.Contains(status.StatusCode))
                            {
                                unexpected.Enqueue($"{fullMethod} [{Convert.ToHexString(payload.AsSpan(0, Math.Min(payload.Length, 48)))}]: {status.StatusCode} {status.Detail}");
                            }
                        }
                        finally
                        {
                            gate.Release();
                        }
                    }));
                }
            }
        }

        await Task.WhenAll(calls);
        foreach (var group in outcomes.GroupBy(outcome => outcome.Key.Code).OrderBy(group => group.Key))
        {
            output.WriteLine($"{group.Key}: {group.Sum(outcome => outcome.Value)}");
        }

        Assert.True(unexpected.IsEmpty, $"{unexpected.Count} calls got an undocumented code:\n{string.Join("\n", unexpected.Take(20))}");
        Assert.Equal(calls.Count, outcomes.Values.Sum());
        foreach (var channel in channels.Values)
        {
            var health = await new Health.HealthClient(channel).CheckAsync(
                new HealthCheckRequest { Service = "readiness" }, deadline: Deadlines.Call(), cancellationToken: timeout.Token);
            Assert.Equal(ServingStatus.Serving, health.Status);
        }

        var newErrors = fixture.ErrorLines.Skip(errorsBefore).ToList();
        Assert.True(newErrors.Count == 0, $"the services logged errors:\n{string.Join("\n", newErrors.Take(20))}\n{fixture.RecentOutput(40)}");
        Assert.Equal(before, await SnapshotAsync());
        foreach (var channel in channels.Values)
        {
            channel.Dispose();
        }
    }

    private static IEnumerable<(MeshService Service, ServiceDescriptor Descriptor)> Services() =>
    [
        (MeshService.Users, UserService.Descriptor),
        (MeshService.Inventory, InventoryService.Descriptor),
        (MeshService.Orders, OrderService.Descriptor),
    ];

    // Every field set to a value the validators refuse ("x" is no UUID, e-mail, currency or sku;
    // -1 no quantity, price, cursor or page size), so no single mutation can make a write valid.
    private static IMessage InvalidSeed(MessageDescriptor type, int depth = 0)
    {
        var message = (IMessage)Activator.CreateInstance(type.ClrType)!;
        foreach (var field in type.Fields.InDeclarationOrder().Where(field => !field.IsMap))
        {
            var value = InvalidValue(field, depth);
            if (value is null)
            {
                continue;
            }

            if (field.IsRepeated)
            {
                ((IList)field.Accessor.GetValue(message)).Add(value);
            }
            else
            {
                field.Accessor.SetValue(message, value);
            }
        }

        return message;
    }

    private static object? InvalidValue(FieldDescriptor field, int depth) => field.FieldType switch
    {
        FieldType.String => "x",
        FieldType.Bytes => ByteString.CopyFromUtf8("x"),
        FieldType.Bool => true,
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => -1,
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => -1L,
        FieldType.UInt32 or FieldType.Fixed32 => 1u,
        FieldType.UInt64 or FieldType.Fixed64 => 1ul,
        FieldType.Double => -1d,
        FieldType.Float => -1f,
        FieldType.Enum => Enum.ToObject(field.EnumType.ClrType, field.EnumType.Values.Max(value => value.Number) + 1),
        FieldType.Message when depth < 3 => InvalidSeed(field.MessageType, depth + 1),
        _ => null,
    };

    private async Task<string> SnapshotAsync()
    {
        using var users = fixture.Channel(MeshService.Users);
        using var inventory = fixture.Channel(MeshService.Inventory);
        using var orders = fixture.Channel(MeshService.Orders);
        var userClient = new UserService.UserServiceClient(users);
        var inventoryClient = new InventoryService.InventoryServiceClient(inventory);
        var snapshot = new List<string>();

        var token = string.Empty;
        do
        {
            var page = await userClient.ListUsersAsync(new ListUsersRequest { Page = new PageRequest { PageSize = 200, PageToken = token } }, deadline: Deadlines.Call());
            snapshot.AddRange(page.Users.Select(user => user.ToString()));
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        do
        {
            var page = await inventoryClient.ListItemsAsync(new ListItemsRequest { Page = new PageRequest { PageSize = 200, PageToken = token } }, deadline: Deadlines.Call());
            snapshot.AddRange(page.Items.Select(item => item.ToString()));
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        var events = await new OrderService.OrderServiceClient(orders).ListOrderEventsAsync(new ListOrderEventsRequest { PageSize = 1 }, deadline: Deadlines.Call());
        snapshot.Add($"order events head {events.HeadSequence}");
        return string.Join("\n", snapshot);
    }

    /// <summary>The ways a frame is spoiled, chosen by index so every method meets each of them.</summary>
    private static class Mutations
    {
        private const int Kinds = 12;

        public static byte[] Apply(byte[] seed, int index, Random random) => (index % Kinds) switch
        {
            0 => FlipBits(seed, random),
            1 => seed[..random.Next(seed.Length)],
            2 => [.. seed, (byte)((random.Next(1, 16) << 3) | 2), 0xFF, 0xFF, 0x3F, .. Garbage(random, 4)],
            3 => WrongWireType(seed, random),
            4 => [.. seed, (byte)((random.Next(1, 16) << 3) | 0), .. Enumerable.Repeat((byte)0xFF, 10), 0x01],
            5 => [.. Enumerable.Repeat((byte)0x0B, 120 + random.Next(100))],
            6 => [.. seed, (byte)((random.Next(1, 8) << 3) | 2), 0x03, 0xC3, 0x28, 0xFF],
            7 => [.. seed, 0xB8, 0x3E, (byte)random.Next(128)],
            8 => [.. seed, (byte)((random.Next(1, 16) << 3) | 0), 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],
            9 => index % (Kinds * 8) == 9 ? Huge(random) : FlipBits(seed, random),
            10 => Garbage(random, random.Next(1, 64)),
            _ => index % (Kinds * 4) == 11 ? [] : [.. seed, .. seed[..random.Next(seed.Length)]],
        };

        private static byte[] FlipBits(byte[] seed, Random random)
        {
            var copy = seed.Length == 0 ? new byte[1] : (byte[])seed.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
            }

            return copy;
        }

        private static byte[] WrongWireType(byte[] seed, Random random)
        {
            var copy = seed.Length == 0 ? new byte[] { 0x08, 0x01 } : (byte[])seed.Clone();
            copy[0] = (byte)((copy[0] & ~0x07) | random.Next(8));
            return copy;
        }

        // A string field of 1 MiB + a little: over the limit, so RESOURCE_EXHAUSTED.
        private static byte[] Huge(Random random)
        {
            var body = new byte[1024 * 1024 + 16];
            random.NextBytes(body);
            return [0x0A, .. Varint((ulong)body.Length), .. body];
        }

        private static byte[] Varint(ulong value)
        {
            var bytes = new List<byte>();
            do
            {
                var next = (byte)(value & 0x7F);
                value >>= 7;
                bytes.Add(value == 0 ? next : (byte)(next | 0x80));
            }
            while (value != 0);
            return [.. bytes];
        }

        private static byte[] Garbage(Random random, int length)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            return bytes;
        }
    }
}
