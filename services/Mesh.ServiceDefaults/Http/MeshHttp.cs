using System.Reflection;
using Grpc.AspNetCore.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mesh.ServiceDefaults.Hosting;
using Mesh.ServiceDefaults.Security;
using Microsoft.OpenApi.Models;

namespace Mesh.ServiceDefaults.Http;

/// <summary>
/// The same contracts for callers that do not speak HTTP/2 gRPC: REST/JSON transcoded from the
/// protos' <c>google.api.http</c> bindings, gRPC-Web, an OpenAPI document built from the same
/// protos (their comments as descriptions), and CORS for browser callers. The handlers, the
/// interceptors (validation, error mapping, telemetry) and the error model are the gRPC ones.
/// </summary>
public static class MeshHttp
{
    /// <summary>Where the OpenAPI document is served.</summary>
    public const string OpenApiPath = "/openapi/v1.json";

    /// <summary>Where the interactive API UI is served (Development, or Mesh:Http:Docs=true).</summary>
    public const string DocsPath = "/docs";

    /// <summary>Headers a browser script may read from a gRPC-Web or REST response.</summary>
    public static readonly string[] ExposedHeaders = ["grpc-status", "grpc-message", "grpc-status-details-bin", "mesh-replica"];

    public static WebApplicationBuilder AddMeshHttp(this WebApplicationBuilder builder, string title, string description)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Configuration.GetSection(MeshHttpOptions.Section).Get<MeshHttpOptions>() ?? new MeshHttpOptions();
        builder.Services.AddOptions<MeshHttpOptions>().BindConfiguration(MeshHttpOptions.Section);
        builder.Services.AddSingleton<PublicMethods>();

        builder.Services.AddGrpc().AddJsonTranscoding(transcoding =>
        {
            // Error details (google.rpc.BadRequest, ErrorInfo, ...) are Any: JSON needs their types.
            transcoding.TypeRegistry = HttpErrorBody.DetailTypes;
        });

        builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy => ConfigureCors(policy, options.CorsOrigins)));

        builder.Services.AddGrpcSwagger();
        builder.Services.AddSwaggerGen(swagger =>
        {
            swagger.SwaggerDoc("v1", new OpenApiInfo { Title = title, Version = "v1", Description = description });
            var contracts = Path.ChangeExtension(typeof(Mesh.Contracts.MeshDescriptors).Assembly.Location, ".xml");
            if (File.Exists(contracts))
            {
                // Operations from the RPCs' comments, schemas and parameters from the messages' fields.
                swagger.IncludeXmlComments(contracts);
                swagger.IncludeGrpcXmlComments(contracts, includeControllerXmlComments: true);
            }

            swagger.OperationFilter<StreamingOperationFilter>();
            var enforced = MeshAuthentication.IsEnabled(builder.Configuration);
            // The policy comes from the container (AddMeshDefaults); only the flag is given here.
            swagger.OperationFilter<AccessOperationFilter>(enforced);
            if (enforced)
            {
                swagger.AddSecurityDefinition(AccessOperationFilter.SchemeName, new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "A token from the configured OpenID Connect provider (Mesh:Auth:People).",
                });
            }
        });

        // AddGrpc (here and inside AddGrpcSwagger) put grpc-dotnet's method binder back; the
        // guarded one must stay the only one, or every gRPC route exists twice.
        MeshDefaults.UseGuardedMethodBinding(builder.Services);
        return builder;
    }

    /// <summary>CORS, gRPC-Web, the public port's checks, the OpenAPI document and (in development) its UI.</summary>
    public static WebApplication UseMeshHttp(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseCors();
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
        app.UseMiddleware<PublicHttpMiddleware>();
        app.UseSwagger(swagger => swagger.RouteTemplate = "openapi/{documentName}.json");

        var docs = app.Configuration.GetValue<bool?>($"{MeshHttpOptions.Section}:{nameof(MeshHttpOptions.Docs)}") ?? app.Environment.IsDevelopment();
        if (docs)
        {
            app.UseSwaggerUI(ui =>
            {
                ui.RoutePrefix = DocsPath.TrimStart('/');
                ui.SwaggerEndpoint(OpenApiPath, "v1");
                ui.DocumentTitle = app.Environment.ApplicationName;
            });
        }

        return app;
    }

    private static void ConfigureCors(CorsPolicyBuilder policy, IReadOnlyCollection<string> origins)
    {
        // No origins configured: no cross-origin browser may call (same-origin pages still can).
        policy.WithOrigins([.. origins])
            .AllowAnyHeader()
            .AllowAnyMethod()
            .WithExposedHeaders(ExposedHeaders);
    }
}
