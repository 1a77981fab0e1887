using Grpc.Core;
using Google.Protobuf;
using Mesh.ServiceDefaults.Errors;
using Mesh.ServiceDefaults.Interceptors;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Mesh.ServiceDefaults.Security;

/// <summary>
/// The one gate in front of every handler, for gRPC, REST and gRPC-Web alike (transcoded calls run
/// the same interceptors): identifies the caller from their bearer token (<see cref="CallerResolver"/>),
/// and admits the call only if the method's declared rule does. No token or a bad one
/// is UNAUTHENTICATED; a caller the rule does not admit is PERMISSION_DENIED. Health and
/// reflection stay open.
/// </summary>
public sealed class AccessInterceptor(AccessPolicy policy, CallerResolver callers, ILogger<AccessInterceptor> logger) : CallGateInterceptor
{
    // Mesh has no client-streaming or duplex methods: reflection (duplex) is open, anything else is refused.
    protected override async ValueTask AdmitAsync(object? request, ServerCallContext context)
    {
        if (AccessPolicy.IsOpen(context.Method))
        {
            return;
        }

        var http = context.GetHttpContext();
        var caller = await callers.ResolveAsync(http);
        if (!caller.IsAuthenticated)
        {
            var message = caller.Failure is null ? "this method needs a bearer token (authorization: Bearer …)" : Explain(caller.Failure);
            // RFC 6750: a 401 says how to authenticate, and why a presented token failed.
            http.Response.Headers.WWWAuthenticate = caller.Failure is null
                ? "Bearer realm=\"mesh\""
                : $"Bearer realm=\"mesh\", error=\"invalid_token\", error_description=\"{message}\"";
            logger.LogInformation("Refused {Method}: {Reason}", context.Method, message);
            throw MeshErrors.Unauthenticated(message);
        }

        var access = policy.Find(context.Method);
        if (access is null || request is not IMessage body || !access.Admits(caller, body))
        {
            var requires = access?.Describe() ?? "nobody (not a Mesh method)";
            logger.LogInformation("Refused {Method} to {Caller}: it may be called by {Requires}", context.Method, caller, requires);
            throw MeshErrors.PermissionDenied(context.Method, requires);
        }
    }

    // Enough for the caller to fix their token, nothing about the server's keys.
    private static string Explain(Exception failure) => failure switch
    {
        SecurityTokenExpiredException => "the bearer token has expired",
        SecurityTokenNotYetValidException => "the bearer token is not valid yet",
        SecurityTokenInvalidAudienceException => "the bearer token is not meant for this audience",
        SecurityTokenInvalidIssuerException => "the bearer token's issuer is not trusted",
        SecurityTokenInvalidAlgorithmException => "the bearer token's signature algorithm is not accepted (RS*, PS* or ES* only)",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the bearer token's signature does not validate",
        SecurityTokenNoExpirationException => "the bearer token has no expiry",
        _ => "the bearer token is not valid",
    };
}
