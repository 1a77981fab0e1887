namespace Mesh.ServiceDefaults.Errors;

/// <summary>
/// Marks a call rejected because its request bytes did not parse; carried as the status's debug
/// exception (never sent to the caller) so the server's rejection accounting can recognise it.
/// </summary>
public sealed class MalformedRequestException(string messageType, Exception parseError)
    : Exception($"The request body is not a valid {messageType}.", parseError)
{
    public string MessageType { get; } = messageType;
}
