using Mesh.ServiceDefaults.Http;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Mesh.ServiceDefaults.Tests.Http;

/// <summary>Which listeners a service opens from its configuration: the container defaults, the local run's, a test's.</summary>
public sealed class MeshListenersTests
{
    [Fact]
    public void NothingConfigured_GrpcOn8080HttpOn8081MetricsOn9464()
    {
        var listeners = From();

        Assert.Equal(["http://*:8080"], listeners.GrpcAddresses.Select(address => address.ToString()));
        Assert.Equal(["http://*:8081"], listeners.HttpAddresses.Select(address => address.ToString()));
        Assert.Equal(["http://*:9464"], listeners.MetricsAddresses.Select(address => address.ToString()));
    }

    [Fact]
    public void ImageHttpPortsAndMeshHttpUrls_AsTheContainerRuns()
    {
        var listeners = From(("HTTP_PORTS", "8080"), ("Mesh:Http:Urls", "http://+:8081"), ("Mesh:Metrics:Urls", "http://+:9464"));

        Assert.Equal([8080], listeners.GrpcAddresses.Select(address => address.Port));
        Assert.Equal([8081], listeners.HttpAddresses.Select(address => address.Port));
        Assert.Equal([9464], listeners.MetricsAddresses.Select(address => address.Port));
    }

    [Fact]
    public void UrlsWithoutMeshHttpUrls_OpensNoHttpPort()
    {
        // A process told only --urls (a test host, the launcher before it passes Mesh:Http:Urls)
        // must not grab the container's 8081 beside it.
        var listeners = From(("urls", "http://127.0.0.1:5002"));

        Assert.Equal(["127.0.0.1"], listeners.GrpcAddresses.Select(address => address.Host));
        Assert.Empty(listeners.HttpAddresses);
        Assert.Empty(listeners.MetricsAddresses);
    }

    [Fact]
    public void BothConfigured_AsTheLocalRunStartsAService()
    {
        var listeners = From(("urls", "http://127.0.0.1:5002"), ("Mesh:Http:Urls", "http://127.0.0.1:5102"));

        Assert.Equal([5002], listeners.GrpcAddresses.Select(address => address.Port));
        Assert.Equal([5102], listeners.HttpAddresses.Select(address => address.Port));
    }

    [Theory]
    [InlineData("urls", "https://127.0.0.1:5002")]
    [InlineData("Mesh:Http:Urls", "https://127.0.0.1:5102")]
    public void HttpsAddress_IsRefusedWithAClearMessage(string key, string value)
    {
        var exception = Assert.Throws<InvalidOperationException>(() => From((key, value)));

        Assert.Contains("terminate TLS", exception.Message, StringComparison.Ordinal);
    }

    private static MeshListeners From(params (string Key, string Value)[] settings) =>
        MeshListeners.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(setting => KeyValuePair.Create(setting.Key, (string?)setting.Value)))
            .Build());
}
