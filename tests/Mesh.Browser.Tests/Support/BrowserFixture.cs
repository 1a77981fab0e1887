using Microsoft.Playwright;

namespace Mesh.Browser.Tests.Support;

/// <summary>
/// One headless Chromium for the collection, launched on first use so that a skipped run never starts
/// Playwright's driver. Each test takes its own context (no cookies or cache shared) and disposes it;
/// disposing the fixture closes the browser and stops the driver, which takes every browser process
/// with it.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>
    /// The longest any single browser action or expectation waits: a bound against hangs, not a
    /// speed check; CI runs the other suites' meshes beside the browser on two cores.
    /// </summary>
    public const float WaitMilliseconds = 45_000;

    private readonly SemaphoreSlim _launch = new(1, 1);
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public BrowserFixture() => Assertions.SetDefaultExpectTimeout(WaitMilliseconds);

    /// <summary>A fresh context (1280 px wide) whose actions wait at most <see cref="WaitMilliseconds"/>.</summary>
    public async Task<IBrowserContext> NewContextAsync()
    {
        var browser = await GetBrowserAsync();
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(WaitMilliseconds);
        context.SetDefaultNavigationTimeout(WaitMilliseconds);
        return context;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        try
        {
            if (_browser is not null)
            {
                await _browser.CloseAsync();
            }
        }
        finally
        {
            // Stopping the driver also ends any browser process it still has, if closing failed.
            _playwright?.Dispose();
            _launch.Dispose();
        }
    }

    private async Task<IBrowser> GetBrowserAsync()
    {
        await _launch.WaitAsync();
        try
        {
            if (_browser is not null)
            {
                return _browser;
            }

            if (!Chromium.IsInstalled)
            {
                throw new InvalidOperationException(Chromium.MissingMessage);
            }

            _playwright ??= await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = Chromium.ExecutablePath,
                Headless = true,
                Args = Chromium.Arguments,
                Timeout = WaitMilliseconds,
            });
            return _browser;
        }
        finally
        {
            _launch.Release();
        }
    }
}
