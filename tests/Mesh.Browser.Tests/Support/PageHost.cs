using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Browser.Tests.Support;

/// <summary>
/// A tiny web server for one static page, on two loopback ports: two origins other than the service's,
/// so the page's calls are cross-origin — one origin the service is told to allow, one it is not.
/// </summary>
public sealed class PageHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PageHost(WebApplication app, string origin, string otherOrigin)
    {
        _app = app;
        Origin = origin;
        OtherOrigin = otherOrigin;
    }

    /// <summary>The first port's origin, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Origin { get; }

    /// <summary>The same page on the second port: a different origin.</summary>
    public string OtherOrigin { get; }

    /// <summary>Serves <paramref name="html"/> at <c>/</c> (any query string); everything else is 404.</summary>
    public static async Task<PageHost> StartAsync(string html)
    {
        // The empty builder reads no appsettings or environment: only what is set here.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        app.Run(context =>
        {
            if (context.Request.Path != "/")
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers.CacheControl = "no-store";
            return context.Response.WriteAsync(html);
        });
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.ToList();
        return new PageHost(app, addresses[0].TrimEnd('/'), addresses[1].TrimEnd('/'));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
