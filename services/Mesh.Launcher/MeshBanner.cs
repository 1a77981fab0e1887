namespace Mesh.Launcher;

/// <summary>
/// The banner printed once the mesh is up: both addresses of each service, where to watch them (the
/// dashboard, or why it is not running), their API docs, and commands to paste — grpcurl for the
/// gRPC ports, curl for the REST/JSON ones. With access control on (<c>--auth</c>) it says where the
/// admin token is and how to put it in <see cref="TokenVariable"/>, which the commands then send.
/// </summary>
public static class MeshBanner
{
    /// <summary>Stands for a user id when there is no demo user to name.</summary>
    public const string UserIdPlaceholder = "<user_id>";

    /// <summary>The shell variable the banner's commands read the bearer token from, with access control on.</summary>
    public const string TokenVariable = "MESH_TOKEN";

    /// <summary>
    /// The banner lines for a running mesh. The example orders get fresh idempotency keys, one for
    /// grpcurl and one for curl, so pasting both places two orders rather than replaying one.
    /// </summary>
    public static IReadOnlyList<string> For(MeshLauncher mesh, Guid grpcurlRequestId, Guid curlRequestId)
    {
        ArgumentNullException.ThrowIfNull(mesh);
        return For(mesh.Options, mesh.Demo, mesh.Dashboard, grpcurlRequestId, curlRequestId);
    }

    /// <summary>
    /// The banner lines for a mesh run with <paramref name="options"/>; <paramref name="demo"/> is null
    /// without seed data.
    /// </summary>
    public static IReadOnlyList<string> For(MeshLauncherOptions options, DemoData? demo, DashboardStatus dashboard, Guid grpcurlRequestId, Guid curlRequestId)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(dashboard);
        string HostPort(MeshService service) => $"127.0.0.1:{options.PortOf(service)}";
        string Http(MeshService service) => HttpRoot(options, service);

        var lines = new List<string>
        {
            "",
            $"Mesh is running. Data: {options.DataDirectory} (users.db, inventory.db, orders.db)",
            $"  {"service",-9}  {"gRPC (h2c)",-15}  {"HTTP (REST, gRPC-Web)",-21}  gRPC service",
        };
        lines.AddRange(MeshServiceInfo.All.Select(info =>
            $"  {info.Name,-9}  {HostPort(info.Service),-15}  {Http(info.Service),-21}  {info.GrpcServiceName}"));
        lines.AddRange(["", DashboardLine(dashboard)]);
        if (options.BrokerUrl is { } broker)
        {
            lines.Add($"Events of users, inventory and orders are relayed to exchange mesh.events at {WithoutPassword(broker)} (routing keys users.#, inventory.#, orders.#).");
        }

        lines.Add("");
        lines.Add($"API docs in the browser (Swagger UI; the OpenAPI document is {HttpProbe.OpenApiPath} on the same port):");
        lines.AddRange(MeshServiceInfo.All.Select(info => $"  {info.Name,-9}  {Http(info.Service)}/docs"));

        var userId = demo?.User.UserId ?? UserIdPlaceholder;
        var sku = demo?.Items.FirstOrDefault()?.Sku ?? "MESH-MUG";
        if (demo is null)
        {
            lines.AddRange(["", $"No demo data (--no-seed, or seeding was refused): replace {UserIdPlaceholder} with a user_id from CreateUser."]);
        }

        if (options.Auth)
        {
            lines.AddRange(AuthLines(options));
        }

        // Health and reflection stay open with access control on; the Mesh methods need the token.
        var bearer = BearerHeader(options);
        var orders = HostPort(MeshService.Orders);
        lines.AddRange(
        [
            "",
            "Try it with grpcurl (plaintext h2c, server reflection):",
            $"  grpcurl -plaintext {orders} list",
            $"  grpcurl -plaintext {orders} describe mesh.orders.v1.OrderService",
            $"  grpcurl -plaintext -d '{{\"service\":\"readiness\"}}' {orders} grpc.health.v1.Health/Check",
            $"  grpcurl -plaintext {bearer}{HostPort(MeshService.Inventory)} mesh.inventory.v1.InventoryService/ListItems",
            $"  grpcurl -plaintext {bearer}-d '{{\"user_id\":\"{userId}\"}}' {HostPort(MeshService.Users)} mesh.users.v1.UserService/GetUser",
            $"  grpcurl -plaintext {bearer}-d '{{\"request_id\":\"{grpcurlRequestId}\",\"user_id\":\"{userId}\",\"lines\":[{{\"sku\":\"{sku}\",\"quantity\":1}}]}}' {orders} mesh.orders.v1.OrderService/PlaceOrder",
            $"  grpcurl -plaintext {bearer}-d '{{\"order_id\":\"<order_id from PlaceOrder>\"}}' {orders} mesh.orders.v1.OrderService/GetOrder",
        ]);
        lines.AddRange(CurlLines(options, userId, sku, curlRequestId));
        lines.AddRange(["", "Press Ctrl-C to stop."]);
        return lines;
    }

    // The paths are the protos' google.api.http bindings; JSON fields are lowerCamelCase.
    private static List<string> CurlLines(MeshLauncherOptions options, string userId, string sku, Guid requestId)
    {
        string Http(MeshService service) => HttpRoot(options, service);
        var bearer = BearerHeader(options);
        var orders = Http(MeshService.Orders);
        var order = $"{{\"requestId\":\"{requestId}\",\"userId\":\"{userId}\",\"lines\":[{{\"sku\":\"{sku}\",\"quantity\":1}}]}}";
        return
        [
            "",
            "Or with curl (REST/JSON on the HTTP ports):",
            $"  curl -s {bearer}{Http(MeshService.Inventory)}/v1/items",
            $"  curl -s {bearer}{Http(MeshService.Users)}/v1/users/{userId}",
            $"  curl -s {bearer}-X POST {orders}/v1/orders -H 'content-type: application/json' -d '{order}'",
            $"  curl -s {bearer}'{orders}/v1/orders?userId={userId}'",
            "Follow the inventory feed (one JSON object per line as stock and prices change; Ctrl-C stops):",
            $"  curl -N {bearer}{Http(MeshService.Inventory)}/v1/items:watch",
        ];
    }

    // Where the admin token is, a line that puts it in the variable the commands read, and how to
    // mint a token for someone else from the same key.
    private static List<string> AuthLines(MeshLauncherOptions options)
    {
        var issuer = new LocalIssuer(options.DataDirectory);
        var dataFlag = string.Equals(Path.GetFullPath(options.DataDirectory), Path.GetFullPath(MeshPaths.DefaultDataDirectory), StringComparison.Ordinal)
            ? ""
            : $" --data-dir {ShellQuote(options.DataDirectory)}";
        return
        [
            "",
            $"Access control is on (--auth): every call but health and reflection needs a bearer token from the development issuer in {issuer.Folder}.",
            $"An admin token (role admin, valid {LocalIssuer.TokenLifetime.TotalHours:0} h, minted afresh at every start) is in {issuer.AdminTokenPath}; the commands below send it. Paste first:",
            $"  export {TokenVariable}=$(cat {ShellQuote(issuer.AdminTokenPath)})",
            "A token for a person (the subject is their user id; CreateUser with it signs them up under that id; add --role admin, --lifetime 1h as needed):",
            $"  dotnet run --project services/Mesh.Launcher -- token --user <uuid>{dataFlag}",
        ];
    }

    private static string BearerHeader(MeshLauncherOptions options) =>
        options.Auth ? $"-H \"authorization: Bearer ${TokenVariable}\" " : "";

    /// <summary>
    /// <paramref name="text"/> as one bash word: as it is when it holds nothing the shell would
    /// interpret, otherwise in single quotes.
    /// </summary>
    public static string ShellQuote(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length > 0 && text.All(character => char.IsAsciiLetterOrDigit(character) || character is '/' or '.' or '_' or '-' or '+' or ':' or ',' or '=')
            ? text
            : "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    /// <summary>The broker URL with its password hidden, fit to print.</summary>
    public static string WithoutPassword(string url)
    {
        var builder = new UriBuilder(url);
        if (builder.Password.Length > 0)
        {
            builder.Password = "***";
        }

        return builder.Uri.ToString();
    }

    /// <summary>The banner's line about the dashboard: its address, or why it is not there.</summary>
    public static string DashboardLine(DashboardStatus dashboard)
    {
        ArgumentNullException.ThrowIfNull(dashboard);
        if (dashboard.Address is { } address)
        {
            return $"Traces, structured logs and metrics of all three (Aspire Dashboard): {address.GetLeftPart(UriPartial.Authority)}";
        }

        return dashboard.Problem is { } problem
            ? $"No dashboard (traces, logs, metrics): {problem}."
            : "No dashboard (traces, logs, metrics): it was turned off (--no-dashboard, MESH_NO_DASHBOARD).";
    }

    private static string HttpRoot(MeshLauncherOptions options, MeshService service) =>
        options.HttpAddressOf(service).GetLeftPart(UriPartial.Authority);
}
