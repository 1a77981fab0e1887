using Mesh.Chart.Tests.Infrastructure;

namespace Mesh.Chart.Tests;

/// <summary>The path matcher the Ingress and HTTPRoute tests rely on, against the examples Kubernetes gives for its path types.</summary>
public sealed class PathRoutingTests
{
    [Theory]
    [InlineData("Prefix", "/", "/aaa/bbb", true)]
    [InlineData("Exact", "/foo", "/foo", true)]
    [InlineData("Exact", "/foo", "/bar", false)]
    [InlineData("Exact", "/foo", "/foo/", false)]
    [InlineData("Exact", "/foo/", "/foo", false)]
    [InlineData("Prefix", "/foo", "/foo", true)]
    [InlineData("Prefix", "/foo", "/foo/", true)]
    [InlineData("Prefix", "/foo/", "/foo", true)]
    [InlineData("Prefix", "/aaa/bb", "/aaa/bbb", false)]
    [InlineData("Prefix", "/aaa/bbb", "/aaa/bbb", true)]
    [InlineData("Prefix", "/aaa/bbb/", "/aaa/bbb", true)]
    [InlineData("Prefix", "/aaa/bbb", "/aaa/bbb/", true)]
    [InlineData("Prefix", "/aaa/bbb", "/aaa/bbb/ccc", true)]
    [InlineData("Prefix", "/aaa/bbb", "/aaa/bbbxyz", false)]
    // A custom verb is part of the last element: the collection's prefix does not reach it.
    [InlineData("Prefix", "/v1/items", "/v1/items:watch", false)]
    [InlineData("Prefix", "/v1/items", "/v1/items/BOOK-42:adjustStock", true)]
    public void Matches_KubernetesExamples_AgreeWithThePathTypeSemantics(string pathType, string path, string request, bool expected)
    {
        Assert.Equal(expected, PathRouting.Matches(new PathRule(path, pathType, "backend"), request));
    }

    [Fact]
    public void Route_OverlappingRules_PrefersExactThenTheLongestPrefix()
    {
        PathRule[] rules =
        [
            new("/", "Prefix", "catch-all"),
            new("/aaa", "Prefix", "short"),
            new("/aaa/bbb", "Prefix", "long"),
            new("/aaa/bbb", "Exact", "exact"),
        ];

        Assert.Equal("exact", PathRouting.Route(rules, "/aaa/bbb"));
        Assert.Equal("long", PathRouting.Route(rules, "/aaa/bbb/ccc"));
        Assert.Equal("short", PathRouting.Route(rules, "/aaa/ccc"));
        Assert.Equal("catch-all", PathRouting.Route(rules, "/zzz"));
    }

    [Fact]
    public void Winners_TwoBackendsForOnePathAndType_AreBothReturned()
    {
        PathRule[] rules = [new("/v1/items", "Prefix", "inventory"), new("/v1/items", "Prefix", "orders")];

        Assert.Equal(["inventory", "orders"], PathRouting.Winners(rules, "/v1/items/x").Select(rule => rule.Backend).Order());
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => PathRouting.Route(rules, "/v1/items/x"));
    }
}
