using System.Text;
using System.Text.RegularExpressions;
using Mesh.Chart.Tests.Infrastructure;
using k8s.Models;

namespace Mesh.Chart.Tests;

/// <summary>
/// storage.mode=postgres: the Deployments (no volume, two replicas unless set, rolling updates, a
/// disruption budget that keeps a pod), the connection string from a Secret only, and the bundled
/// PostgreSQL (StatefulSet, Service, Secret, init script) rendered only when enabled. That the
/// bundled Secret keeps its passwords across upgrades (`lookup`) needs a cluster: `helm template`
/// cannot look anything up, so it is not tested here.
/// </summary>
public sealed partial class PostgresModeTests
{
    private const string Bundled = "values-postgres.yaml";

    private const string BundledName = $"{ChartRenderer.ReleaseName}-postgresql";

    private static readonly string[] External =
    [
        "--set", "serviceDefaults.storage.mode=postgres",
        "--set", "serviceDefaults.storage.postgres.networkPolicy.cidrs={10.40.0.0/24}",
        "--set", "services.users.storage.postgres.existingSecret=users-db",
        "--set", "services.inventory.storage.postgres.existingSecret=inventory-db",
        "--set", "services.orders.storage.postgres.existingSecret=orders-db",
        "--set", "services.orders.storage.postgres.existingSecretKey=npgsql",
    ];

    [Fact]
    public async Task BundledValues_EveryService_RunsTwoReplicasRollingWithoutClaimAndABudgetKeepingOne()
    {
        var chart = await ChartRenderer.RenderAsync(Bundled);

        Assert.Empty(chart.PersistentVolumeClaims);
        foreach (var name in MeshFacts.Services)
        {
            var deployment = chart.Deployment(name);
            Assert.Equal("postgres", chart.StorageProvider(name));
            Assert.Equal(2, deployment.Spec.Replicas);
            Assert.Equal("RollingUpdate", deployment.Spec.Strategy.Type);
            Assert.DoesNotContain(deployment.Spec.Template.Spec.Volumes, volume => volume.PersistentVolumeClaim is not null);
            Assert.DoesNotContain("Mesh__Storage__Path", chart.Environment(name).Keys);
            var budget = Assert.Single(chart.PodDisruptionBudgets, budget => LabelSelectors.Matches(budget.Spec.Selector, deployment.Spec.Template.Metadata.Labels));
            var maxUnavailable = int.Parse(budget.Spec.MaxUnavailable.Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(maxUnavailable, 1, deployment.Spec.Replicas!.Value - 1);
        }
    }

    [Theory]
    [InlineData("1")]
    [InlineData("4")]
    public async Task PostgresReplicas_Set_AreHonoured(string replicas)
    {
        var chart = await ChartRenderer.RenderAsync(Bundled, "--set", $"services.orders.replicas={replicas}");

        Assert.Equal(int.Parse(replicas, System.Globalization.CultureInfo.InvariantCulture), chart.Deployment("orders").Spec.Replicas);
        Assert.Equal(2, chart.Deployment("users").Spec.Replicas);
    }

    [Fact]
    public async Task SqliteDefaults_ReplicasUnset_RunOneReplica()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults);

        Assert.All(MeshFacts.Services, name => Assert.Equal(1, chart.Deployment(name).Spec.Replicas));
        Assert.All(MeshFacts.Services, name => Assert.Equal("sqlite", chart.StorageProvider(name)));
    }

    [Theory]
    [MemberData(nameof(ValuesSets.All), MemberType = typeof(ValuesSets))]
    public async Task ConnectionString_EveryPostgresService_ComesFromASecretKeyAndNeverAsALiteral(string valuesSet)
    {
        var chart = await ChartRenderer.RenderAsync(valuesSet);

        foreach (var name in MeshFacts.Services.Where(name => chart.StorageProvider(name) == "postgres"))
        {
            var variable = chart.Environment(name)["Mesh__Storage__ConnectionString"];
            Assert.Null(variable.Value);
            Assert.False(string.IsNullOrEmpty(variable.ValueFrom?.SecretKeyRef?.Name), $"{name}: no secretKeyRef");
            Assert.False(string.IsNullOrEmpty(variable.ValueFrom.SecretKeyRef.Key), $"{name}: no secretKeyRef key");
            Assert.NotEqual(true, variable.ValueFrom.SecretKeyRef.Optional);
            Assert.Equal("00:00:50", chart.Environment(name)["Mesh__Storage__Postgres__StartTimeout"].Value);
        }

        // No literal anywhere in the Deployments: no connection string, no password.
        var literals = chart.Deployments.SelectMany(deployment => deployment.Spec.Template.Spec.Containers)
            .SelectMany(container => container.Env).Select(variable => variable.Value).OfType<string>();
        Assert.DoesNotContain(literals, value => value.Contains("Password=", StringComparison.OrdinalIgnoreCase) || value.Contains("Host=", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ExternalSecrets_Set_AreReferencedByNameAndKeyAndNothingIsBundled()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, External);

        foreach (var name in MeshFacts.Services)
        {
            var reference = chart.Environment(name)["Mesh__Storage__ConnectionString"].ValueFrom.SecretKeyRef;
            Assert.Equal($"{name}-db", reference.Name);
            Assert.Equal(name == "orders" ? "npgsql" : "connectionString", reference.Key);
        }

        Assert.Empty(chart.StatefulSets);
        Assert.Empty(chart.Secrets);
        Assert.Empty(chart.ConfigMaps);
        Assert.DoesNotContain(chart.Services, service => service.Metadata.Name == BundledName);
    }

    [Theory]
    [MemberData(nameof(ValuesSets.All), MemberType = typeof(ValuesSets))]
    public async Task BundledPostgresql_ShippedValuesSet_IsRenderedOnlyWhenEnabled(string valuesSet)
    {
        var chart = await ChartRenderer.RenderAsync(valuesSet);
        var enabled = (bool?)YamlJson.At(YamlJson.LoadFile(Path.Combine(RepositoryPaths.Chart, valuesSet)), "postgresql.enabled") == true;

        // By name: the bundled RabbitMQ of values-messaging.yaml has a StatefulSet and a Secret too.
        Assert.Equal(enabled ? 1 : 0, chart.StatefulSets.Count(set => set.Metadata.Name == BundledName));
        Assert.Equal(enabled ? 1 : 0, chart.Secrets.Count(secret => secret.Metadata.Name == BundledName));
        Assert.Equal(enabled ? 1 : 0, chart.ConfigMaps.Count(map => map.Metadata.Name == $"{BundledName}-init"));
        Assert.Equal(enabled ? 1 : 0, chart.Services.Count(service => service.Metadata.Name == BundledName));
        Assert.Equal(enabled ? 1 : 0, chart.NetworkPolicies.Count(policy => policy.Metadata.Name == BundledName));
    }

    [Fact]
    public async Task BundledSecret_EveryService_ConnectsToItsOwnDatabaseAsItsOwnRoleThroughTheBundledService()
    {
        var chart = await ChartRenderer.RenderAsync(Bundled);
        var secret = chart.Secrets.Single();
        var service = chart.Service(BundledName);
        var statefulSet = chart.StatefulSets.Single();
        var passwords = new HashSet<string>(StringComparer.Ordinal);

        Assert.Equal("keep", secret.Metadata.Annotations["helm.sh/resource-policy"]);
        Assert.True(LabelSelectors.Matches(service.Spec.Selector, statefulSet.Spec.Template.Metadata.Labels));
        foreach (var name in MeshFacts.Services)
        {
            var reference = chart.Environment(name)["Mesh__Storage__ConnectionString"].ValueFrom.SecretKeyRef;
            Assert.Equal(secret.Metadata.Name, reference.Name);
            var settings = ConnectionSettings(Decode(secret, reference.Key));
            var password = Decode(secret, $"{name}-password");
            Assert.Equal(service.Metadata.Name, settings["Host"]);
            Assert.Equal(service.Spec.Ports.Single().Port.ToString(System.Globalization.CultureInfo.InvariantCulture), settings["Port"]);
            Assert.Equal(name, settings["Database"]);
            Assert.Equal(name, settings["Username"]);
            Assert.Equal(password, settings["Password"]);
            Assert.True(password.Length >= 24, $"{name}: a short password");
            passwords.Add(password);
        }

        passwords.Add(Decode(secret, "postgres-password"));
        Assert.Equal(MeshFacts.Services.Count + 1, passwords.Count);
    }

    [Fact]
    public async Task InitScript_EveryService_GetsItsDatabaseAndRoleWithThePasswordFromTheSecret()
    {
        var chart = await ChartRenderer.RenderAsync(Bundled);
        var statefulSet = chart.StatefulSets.Single();
        var pod = statefulSet.Spec.Template.Spec;
        var container = pod.Containers.Single();
        var initMount = container.VolumeMounts.Single(mount => mount.MountPath == "/docker-entrypoint-initdb.d");
        var configMap = chart.ConfigMaps.Single(map => map.Metadata.Name == pod.Volumes.Single(volume => volume.Name == initMount.Name).ConfigMap.Name);
        var script = Assert.Single(configMap.Data).Value;
        var environment = container.Env.ToDictionary(variable => variable.Name);
        var secret = chart.Secrets.Single();

        Assert.Matches(CreateRoleRegex(), script);
        Assert.Matches(CreateDatabaseRegex(), script);
        Assert.Matches(RevokePublicRegex(), script);
        Assert.DoesNotContain(Decode(secret, "users-password"), script, StringComparison.Ordinal);
        foreach (var name in MeshFacts.Services)
        {
            var call = Assert.Single(CreateCallRegex().Matches(script), match => match.Groups["name"].Value == name);
            var reference = environment[call.Groups["variable"].Value].ValueFrom.SecretKeyRef;
            Assert.Equal(secret.Metadata.Name, reference.Name);
            Assert.Equal($"{name}-password", reference.Key);
        }

        Assert.Equal(secret.Metadata.Name, environment["POSTGRES_PASSWORD"].ValueFrom.SecretKeyRef.Name);
    }

    [Fact]
    public async Task BundledStatefulSet_Defaults_OneInstanceOnItsOwnClaimProbedByPgIsReady()
    {
        var chart = await ChartRenderer.RenderAsync(Bundled);
        var statefulSet = chart.StatefulSets.Single();
        var pod = statefulSet.Spec.Template.Spec;
        var container = pod.Containers.Single();
        var claim = statefulSet.Spec.VolumeClaimTemplates.Single();
        var dataMount = container.VolumeMounts.Single(mount => mount.Name == claim.Metadata.Name);
        var pgdata = container.Env.Single(variable => variable.Name == "PGDATA").Value;

        Assert.Equal(1, statefulSet.Spec.Replicas);
        Assert.Equal(BundledName, statefulSet.Spec.ServiceName);
        Assert.Equal("docker.io/library/postgres:17", container.Image);
        Assert.Equal(["ReadWriteOnce"], claim.Spec.AccessModes);
        Assert.Equal("Retain", statefulSet.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted);
        Assert.StartsWith(dataMount.MountPath.TrimEnd('/') + "/", pgdata, StringComparison.Ordinal);
        Assert.Equal(5432, container.Ports.Single().ContainerPort);
        foreach (var probe in new[] { container.StartupProbe, container.LivenessProbe, container.ReadinessProbe })
        {
            Assert.Equal("pg_isready", probe?.Exec?.Command.First());
            Assert.Contains("--port=5432", probe!.Exec.Command);
        }

        Assert.True(statefulSet.Spec.Selector.MatchLabels.All(label => statefulSet.Spec.Template.Metadata.Labels[label.Key] == label.Value));
    }

    [Fact]
    public async Task BundledPostgresql_ImageAndSize_AreConfigurable()
    {
        var chart = await ChartRenderer.RenderAsync(Bundled, "--set", "postgresql.image=registry.example.com/postgres:16", "--set", "postgresql.storage.size=5Gi", "--set", "postgresql.storage.storageClassName=fast");
        var statefulSet = chart.StatefulSets.Single();

        Assert.Equal("registry.example.com/postgres:16", statefulSet.Spec.Template.Spec.Containers.Single().Image);
        Assert.Equal("5Gi", statefulSet.Spec.VolumeClaimTemplates.Single().Spec.Resources.Requests["storage"].ToString());
        Assert.Equal("fast", statefulSet.Spec.VolumeClaimTemplates.Single().Spec.StorageClassName);
    }

    [Fact]
    public async Task MixedModes_OneServiceOnSqlite_KeepsItsClaimWhileTheOthersUseTheBundledDatabase()
    {
        var chart = await ChartRenderer.RenderAsync(Bundled, "--set", "services.users.storage.mode=sqlite");

        Assert.Equal("sqlite", chart.StorageProvider("users"));
        Assert.Equal(1, chart.Deployment("users").Spec.Replicas);
        Assert.Equal($"{ChartRenderer.ReleaseName}-users-data", Assert.Single(chart.PersistentVolumeClaims).Metadata.Name);
        Assert.Equal("postgres", chart.StorageProvider("orders"));
        Assert.Equal(2, chart.Deployment("orders").Spec.Replicas);
    }

    private static string Decode(V1Secret secret, string key)
    {
        Assert.True(secret.Data?.ContainsKey(key) == true, $"Secret {secret.Metadata.Name} has no key {key}");
        return Encoding.UTF8.GetString(secret.Data[key]);
    }

    private static Dictionary<string, string> ConnectionSettings(string connectionString) =>
        connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);

    [GeneratedRegex(@"^create_service_database (?<name>[a-z]+) ""\$(?<variable>MESH_[A-Z]+_PASSWORD)""$", RegexOptions.Multiline)]
    private static partial Regex CreateCallRegex();

    [GeneratedRegex(@"^CREATE ROLE :""name"" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE [^\n]*PASSWORD :'password';$", RegexOptions.Multiline)]
    private static partial Regex CreateRoleRegex();

    [GeneratedRegex(@"^CREATE DATABASE :""name"" OWNER :""name"";$", RegexOptions.Multiline)]
    private static partial Regex CreateDatabaseRegex();

    [GeneratedRegex(@"^REVOKE ALL ON DATABASE :""name"" FROM PUBLIC;$", RegexOptions.Multiline)]
    private static partial Regex RevokePublicRegex();
}
