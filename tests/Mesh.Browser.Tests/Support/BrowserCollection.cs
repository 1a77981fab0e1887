namespace Mesh.Browser.Tests.Support;

/// <summary>Every browser test shares one Chromium, one test at a time (two cores: they would only contend).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
