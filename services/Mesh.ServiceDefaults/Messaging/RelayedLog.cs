using Google.Protobuf;
using Google.Protobuf.Reflection;
using Mesh.Storage;

namespace Mesh.ServiceDefaults.Messaging;

/// <summary>
/// How one event log goes onto the broker: every stored event becomes the same message the gRPC
/// feed sends (its sequence set), routed by its type — <c>orders.order.confirmed</c>,
/// <c>inventory.stock.reserved</c>, <c>users.user.created</c> — with the filter key as a header.
/// The event message must have <c>int64 sequence = 1</c> and an enum <c>type = 2</c> whose values
/// read <c>{TYPE_PREFIX}_{ENTITY}_{VERB}</c>, as every Mesh event does; a <c>string trace_parent</c>
/// field, when the event has one, also goes out as the <c>traceparent</c> header.
/// </summary>
public sealed class RelayedLog
{
    private readonly FieldDescriptor _sequence;
    private readonly FieldDescriptor _type;
    private readonly FieldDescriptor? _traceParent;
    private readonly Dictionary<int, string> _routingKeys;

    public RelayedLog(string logName, MessageDescriptor eventType, string filterKeyHeader)
    {
        ArgumentException.ThrowIfNullOrEmpty(logName);
        ArgumentNullException.ThrowIfNull(eventType);
        ArgumentException.ThrowIfNullOrEmpty(filterKeyHeader);

        _sequence = eventType.FindFieldByNumber(1) is { Name: "sequence", FieldType: FieldType.Int64 } sequence
            ? sequence
            : throw new ArgumentException($"{eventType.FullName} has no int64 sequence = 1.", nameof(eventType));
        _type = eventType.FindFieldByNumber(2) is { Name: "type", FieldType: FieldType.Enum } type
            ? type
            : throw new ArgumentException($"{eventType.FullName} has no enum type = 2.", nameof(eventType));

        _traceParent = eventType.FindFieldByName("trace_parent") is { FieldType: FieldType.String } traceParent ? traceParent : null;
        LogName = logName;
        EventType = eventType;
        FilterKeyHeader = filterKeyHeader;
        _routingKeys = _type.EnumType.Values
            .Where(value => value.Number != 0)
            .ToDictionary(value => value.Number, value => RoutingKeyOf(logName, _type.EnumType, value));
    }

    public string LogName { get; }

    public MessageDescriptor EventType { get; }

    /// <summary>The header that carries the event's filter key (<c>user_id</c>, <c>sku</c>).</summary>
    public string FilterKeyHeader { get; }

    /// <summary>The relay's checkpoint row in consumer_cursors.</summary>
    public string CheckpointName => "relay." + LogName;

    /// <summary>Every routing key this log's events can carry.</summary>
    public IEnumerable<string> RoutingKeys => _routingKeys.Values;

    /// <summary>The broker message id of event <paramref name="sequence"/>: unique across logs, the same on every republish.</summary>
    public string MessageIdOf(long sequence) => $"{LogName}:{sequence}";

    /// <summary>The message to publish for <paramref name="stored"/>.</summary>
    public RelayMessage ToMessage(StoredEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var message = EventType.Parser.ParseFrom(stored.Payload);
        _sequence.Accessor.SetValue(message, stored.Sequence);
        var type = Convert.ToInt32(_type.Accessor.GetValue(message), System.Globalization.CultureInfo.InvariantCulture);
        // A type this build does not know (written by a newer version) still goes out, under a key of its own.
        var routingKey = _routingKeys.TryGetValue(type, out var key) ? key : $"{LogName}.unknown.{type}";
        var traceParent = _traceParent?.Accessor.GetValue(message) as string ?? string.Empty;
        return new RelayMessage(stored.Sequence, MessageIdOf(stored.Sequence), routingKey, stored.FilterKey, stored.OccurTime, traceParent, message.ToByteArray());
    }

    // USER_EVENT_TYPE_USER_CREATED of UserEventType in log "users" -> "users.user.created".
    private static string RoutingKeyOf(string logName, EnumDescriptor enumType, EnumValueDescriptor value)
    {
        var prefix = string.Concat(enumType.Name.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant() + "_";
        var name = value.Name.StartsWith(prefix, StringComparison.Ordinal) ? value.Name[prefix.Length..] : value.Name;
        var split = name.IndexOf('_', StringComparison.Ordinal);
        var entity = split > 0 ? name[..split] : name;
        var verb = split > 0 ? name[(split + 1)..].Replace('_', '-') : "changed";
        return $"{logName}.{entity.ToLowerInvariant()}.{verb.ToLowerInvariant()}";
    }
}

/// <summary>One event as the relay publishes it.</summary>
/// <param name="TraceParent">The event's <c>trace_parent</c>, empty when it has none.</param>
public sealed record RelayMessage(long Sequence, string MessageId, string RoutingKey, string FilterKey, DateTimeOffset OccurTime, string TraceParent, byte[] Body);
