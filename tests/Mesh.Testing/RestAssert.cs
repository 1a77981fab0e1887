using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using Google.Rpc;
using Mesh.ServiceDefaults.Http;
using Xunit;

namespace Mesh.Testing;

/// <summary>
/// REST calls as a client makes them (JSON text in, JSON text out) and assertions on the
/// google.rpc.Status body every failed call carries.
/// </summary>
public static class RestAssert
{
    // Strict: a response field the contract does not have fails the test.
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithTypeRegistry(HttpErrorBody.DetailTypes));

    /// <summary>A JSON request body, as <c>curl -H 'content-type: application/json' -d</c> sends it.</summary>
    public static StringContent Json(string json) => new(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    /// <summary>Asserts 200 with a JSON body that parses as <typeparamref name="T"/>, and returns it.</summary>
    public static async Task<T> OkAsync<T>(HttpResponseMessage response)
        where T : IMessage<T>, new()
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200 but got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return Parser.Parse<T>(body);
    }

    /// <summary>
    /// Asserts the HTTP status and a google.rpc.Status JSON body with <paramref name="code"/>, and
    /// returns the body.
    /// </summary>
    public static async Task<Google.Rpc.Status> FailsAsync(HttpResponseMessage response, HttpStatusCode httpStatus, Code code)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == httpStatus, $"expected {(int)httpStatus} but got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var status = Parser.Parse<Google.Rpc.Status>(body);
        Assert.True((int)code == status.Code, $"expected {code} in the body but got {(Code)status.Code}: {body}");
        Assert.False(string.IsNullOrWhiteSpace(status.Message), "the error has no message");
        return status;
    }

    /// <summary>Asserts 400 INVALID_ARGUMENT with a BadRequest violation on <paramref name="field"/>.</summary>
    public static async Task<BadRequest> InvalidFieldAsync(HttpResponseMessage response, string field)
    {
        var status = await FailsAsync(response, HttpStatusCode.BadRequest, Code.InvalidArgument);
        var badRequest = status.GetDetail<BadRequest>();
        Assert.True(badRequest is not null, $"no BadRequest detail in {status}");
        Assert.True(badRequest.FieldViolations.Any(violation => violation.Field == field), $"no violation on '{field}' in {badRequest}");
        return badRequest;
    }

    /// <summary>The ErrorInfo reason of an error body (e.g. "NOT_FOUND").</summary>
    public static string? Reason(Google.Rpc.Status status) => status.GetDetail<ErrorInfo>()?.Reason;
}
