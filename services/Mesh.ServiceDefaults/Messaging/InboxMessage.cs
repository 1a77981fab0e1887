using Google.Protobuf;

namespace Mesh.ServiceDefaults.Messaging;

/// <summary>One decoded delivery for <see cref="InboxConsumer{TMessage}.ApplyAsync"/>: record <paramref name="MessageId"/> in the inbox with its effect.</summary>
public sealed record InboxMessage<TMessage>(string MessageId, string RoutingKey, TMessage Message) where TMessage : IMessage<TMessage>;
