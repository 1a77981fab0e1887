using System.Globalization;
using Mesh.Chart.Tests.Infrastructure;
using k8s.Models;

namespace Mesh.Chart.Tests;

/// <summary>The Deployments: probes, termination, configuration, storage, resources, spreading, disruption budgets.</summary>
public sealed class DeploymentTests
{
    [Theory]
    [MemberData(nameof(ValuesSets.All), MemberType = typeof(ValuesSets))]
    public async Task Probes_EveryDeployment_UseNativeGrpcOnTheContainerPortWithTheServicesHealthNames(string valuesSet)
    {
        var chart = await ChartRenderer.RenderAsync(valuesSet);
        var (liveness, readiness) = MeshFacts.HealthNames;

        foreach (var name in MeshFacts.Services)
        {
            var container = chart.Container(name);
            // The probes ask the gRPC port, not the HTTP/1.1 one beside it.
            var port = chart.ContainerPort(name, "grpc");
            foreach (var probe in new[] { container.StartupProbe, container.LivenessProbe, container.ReadinessProbe })
            {
                Assert.NotNull(probe);
                Assert.NotNull(probe.Grpc);
                Assert.Null(probe.HttpGet);
                Assert.Null(probe.TcpSocket);
                Assert.Null(probe.Exec);
                Assert.Equal(port.ContainerPort, probe.Grpc.Port);
            }

            Assert.Equal(liveness, container.LivenessProbe.Grpc.Service);
            Assert.Equal(readiness, container.ReadinessProbe.Grpc.Service);
            Assert.Contains(container.StartupProbe.Grpc.Service, new[] { liveness, readiness });
            Assert.NotEqual(liveness, readiness);
        }
    }

    [Theory]
    [MemberData(nameof(ValuesSets.All), MemberType = typeof(ValuesSets))]
    public async Task TerminationGracePeriod_EveryDeployment_ExceedsPreStopSleepPlusDrainDelayPlusShutdownTimeout(string valuesSet)
    {
        var chart = await ChartRenderer.RenderAsync(valuesSet);

        foreach (var name in MeshFacts.Services)
        {
            var pod = chart.Deployment(name).Spec.Template.Spec;
            var container = pod.Containers.Single();
            var preStop = container.Lifecycle?.PreStop;
            Assert.NotNull(preStop?.Sleep);
            Assert.Null(preStop.Exec);
            Assert.Null(preStop.HttpGet);
            var environment = chart.Environment(name);
            var drain = TimeSpan.Parse(environment["Mesh__Shutdown__DrainDelay"].Value, CultureInfo.InvariantCulture);
            var timeout = TimeSpan.Parse(environment["Mesh__Shutdown__Timeout"].Value, CultureInfo.InvariantCulture);
            var needed = preStop.Sleep.Seconds + drain.TotalSeconds + timeout.TotalSeconds;

            Assert.True(pod.TerminationGracePeriodSeconds > needed, $"{name}: terminationGracePeriodSeconds {pod.TerminationGracePeriodSeconds} <= {needed}");
        }
    }

    [Fact]
    public async Task ShutdownValues_Set_BecomeTimeSpansAndAGracePeriodAboveTheirSum()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults,
            "--set", "serviceDefaults.shutdown.preStopSleepSeconds=7", "--set", "serviceDefaults.shutdown.drainDelaySeconds=65",
            "--set", "serviceDefaults.shutdown.timeoutSeconds=599", "--set", "serviceDefaults.shutdown.gracePeriodMarginSeconds=3");

        var environment = chart.Environment("orders");
        Assert.Equal("00:01:05", environment["Mesh__Shutdown__DrainDelay"].Value);
        Assert.Equal("00:09:59", environment["Mesh__Shutdown__Timeout"].Value);
        Assert.Equal(7, chart.Container("orders").Lifecycle.PreStop.Sleep.Seconds);
        Assert.Equal(7 + 65 + 599 + 3, chart.Deployment("orders").Spec.Template.Spec.TerminationGracePeriodSeconds);
    }

    [Fact]
    public async Task ConnectionAge_OffByDefault_SetForOneServiceBecomesItsTimeSpans()
    {
        var byDefault = await ChartRenderer.RenderAsync(ValuesSets.Defaults);
        var aged = await ChartRenderer.RenderAsync(ValuesSets.Defaults,
            "--set", "services.inventory.connections.maxAgeSeconds=300", "--set", "services.inventory.connections.maxAgeGraceSeconds=45");

        Assert.All(MeshFacts.Services, name => Assert.False(byDefault.Environment(name).ContainsKey("Mesh__Connections__MaxAge")));
        Assert.Equal("00:05:00", aged.Environment("inventory")["Mesh__Connections__MaxAge"].Value);
        Assert.Equal("00:00:45", aged.Environment("inventory")["Mesh__Connections__MaxAgeGrace"].Value);
        Assert.False(aged.Environment("orders").ContainsKey("Mesh__Connections__MaxAge"));
    }

    [Theory]
    [MemberData(nameof(ValuesSets.All), MemberType = typeof(ValuesSets))]
    public async Task ClientAddresses_EveryCaller_ResolveTheHeadlessServicesOfExactlyItsCallees(string valuesSet)
    {
        var chart = await ChartRenderer.RenderAsync(valuesSet);
        var edges = new HashSet<(string, string)>();

        foreach (var caller in MeshFacts.Services)
        {
            foreach (var variable in chart.Environment(caller).Values.Where(variable => variable.Name.StartsWith("Mesh__Services__", StringComparison.Ordinal)))
            {
                var callee = variable.Name["Mesh__Services__".Length..^"__Address".Length].ToLowerInvariant();
                Assert.Equal($"Mesh__Services__{char.ToUpperInvariant(callee[0])}{callee[1..]}__Address", variable.Name);
                var address = new Uri(variable.Value);
                Assert.Equal("dns", address.Scheme);
                var host = address.AbsolutePath.TrimStart('/').Split(':')[0];
                var port = int.Parse(address.AbsolutePath.Split(':')[1], CultureInfo.InvariantCulture);
                var service = chart.Service(host);
                Assert.Equal("None", service.Spec.ClusterIP);
                Assert.True(LabelSelectors.Matches(service.Spec.Selector, chart.Deployment(callee).Spec.Template.Metadata.Labels), $"{host} does not select {callee}");
                Assert.Equal(chart.ContainerPort(callee, "grpc").ContainerPort, port);
                edges.Add((caller, callee));
            }
        }

        Assert.Equal(MeshFacts.CallGraph.Order(), edges.Order());
    }

    [Theory]
    [MemberData(nameof(ValuesSets.All), MemberType = typeof(ValuesSets))]
    public async Task SqliteStorage_EverySqliteDeployment_RunsOneReplicaRecreatedWithTheDatabaseOnItsClaim(string valuesSet)
    {
        var chart = await ChartRenderer.RenderAsync(valuesSet);

        foreach (var name in MeshFacts.Services.Where(name => chart.StorageProvider(name) == "sqlite"))
        {
            var deployment = chart.Deployment(name);
            Assert.Equal(1, deployment.Spec.Replicas);
            Assert.Equal("Recreate", deployment.Spec.Strategy.Type);
            var databasePath = chart.Environment(name)["Mesh__Storage__Path"].Value;
            var mount = chart.Container(name).VolumeMounts.Single(mount => databasePath.StartsWith(mount.MountPath.TrimEnd('/') + "/", StringComparison.Ordinal));
            Assert.NotEqual(true, mount.ReadOnlyProperty);
            var volume = deployment.Spec.Template.Spec.Volumes.Single(volume => volume.Name == mount.Name);
            Assert.NotNull(volume.PersistentVolumeClaim);
            var claim = chart.PersistentVolumeClaims.Single(claim => claim.Metadata.Name == volume.PersistentVolumeClaim.ClaimName);
            Assert.Equal(["ReadWriteOnce"], claim.Spec.AccessModes);
            Assert.Equal($"/data/{name}.db", databasePath);
            Assert.DoesNotContain("Mesh__Storage__ConnectionString", chart.Environment(name).Keys);
        }
    }

    [Theory]
    [MemberData(nameof(ValuesSets.All), MemberType = typeof(ValuesSets))]
    public async Task StorageProvider_EveryDeployment_IsSqliteOrPostgres(string valuesSet)
    {
        var chart = await ChartRenderer.RenderAsync(valuesSet);

        Assert.All(MeshFacts.Services, name => Assert.Contains(chart.StorageProvider(name), new[] { "sqlite", "postgres" }));
    }

    [Fact]
    public async Task PostgresStorage_ExternalWithReplicas_RollsUpdatesWithoutVolumeOrDatabasePath()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, "--set", "serviceDefaults.storage.mode=postgres",
            "--set", "serviceDefaults.storage.postgres.existingSecret=mesh-db", "--set", "serviceDefaults.storage.postgres.networkPolicy.cidrs={10.40.0.0/24}",
            "--set", "serviceDefaults.replicas=3");

        Assert.Empty(chart.PersistentVolumeClaims);
        foreach (var name in MeshFacts.Services)
        {
            var deployment = chart.Deployment(name);
            Assert.Equal(3, deployment.Spec.Replicas);
            Assert.Equal("RollingUpdate", deployment.Spec.Strategy.Type);
            Assert.Equal("0", deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
            Assert.DoesNotContain("Mesh__Storage__Path", chart.Environment(name).Keys);
            Assert.DoesNotContain(deployment.Spec.Template.Spec.Volumes, volume => volume.PersistentVolumeClaim is not null);
        }
    }

    [Fact]
    public async Task ExistingClaim_Set_IsMountedAndNoClaimIsCreated()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, "--set", "services.users.storage.sqlite.existingClaim=users-db");

        Assert.DoesNotContain(chart.PersistentVolumeClaims, claim => claim.Metadata.Name.Contains("users", StringComparison.Ordinal));
        Assert.Contains(chart.Deployment("users").Spec.Template.Spec.Volumes, volume => volume.PersistentVolumeClaim?.ClaimName == "users-db");
        Assert.Equal(2, chart.PersistentVolumeClaims.Count());
    }

    [Theory]
    [MemberData(nameof(ValuesSets.All), MemberType = typeof(ValuesSets))]
    public async Task Resources_EveryContainer_RequestsAndLimitsCpuAndMemory(string valuesSet)
    {
        var chart = await ChartRenderer.RenderAsync(valuesSet);
        var containers = MeshFacts.Services.Select(chart.Container)
            .Concat(chart.TestPods.SelectMany(pod => pod.Spec.Containers))
            .Concat(chart.StatefulSets.SelectMany(set => set.Spec.Template.Spec.Containers));

        Assert.All(containers, container =>
        {
            Assert.True(container.Resources?.Requests?.ContainsKey("cpu") == true && container.Resources.Requests.ContainsKey("memory"), $"{container.Name}: requests");
            Assert.True(container.Resources.Limits?.ContainsKey("cpu") == true && container.Resources.Limits.ContainsKey("memory"), $"{container.Name}: limits");
        });
    }

    [Fact]
    public async Task Overrides_ServiceEntry_MergeKeyByKeyOverServiceDefaults()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults,
            "--set", "services.orders.resources.limits.memory=1Gi",
            "--set", "services.users.podDisruptionBudget.enabled=false",
            "--set", "services.users.topologySpread.enabled=false");

        Assert.Equal("1Gi", chart.Container("orders").Resources.Limits["memory"].ToString());
        Assert.Equal("1", chart.Container("orders").Resources.Limits["cpu"].ToString());
        Assert.Equal("512Mi", chart.Container("users").Resources.Limits["memory"].ToString());
        // `false` overrides a `true` default.
        Assert.DoesNotContain(chart.PodDisruptionBudgets, budget => budget.Metadata.Name == "mesh-users");
        Assert.Contains(chart.PodDisruptionBudgets, budget => budget.Metadata.Name == "mesh-orders");
        Assert.Null(chart.Deployment("users").Spec.Template.Spec.TopologySpreadConstraints);
        Assert.NotNull(chart.Deployment("orders").Spec.Template.Spec.TopologySpreadConstraints);
    }

    [Fact]
    public async Task TopologySpread_Enabled_SpreadsEachServicesOwnPodsOverNodesAndZones()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults);

        foreach (var name in MeshFacts.Services)
        {
            var template = chart.Deployment(name).Spec.Template;
            var constraints = template.Spec.TopologySpreadConstraints;
            Assert.Equal(["kubernetes.io/hostname", "topology.kubernetes.io/zone"], constraints.Select(constraint => constraint.TopologyKey));
            Assert.All(constraints, constraint =>
            {
                Assert.True(LabelSelectors.Matches(constraint.LabelSelector, template.Metadata.Labels));
                foreach (var other in MeshFacts.Services.Where(other => other != name))
                {
                    Assert.False(LabelSelectors.Matches(constraint.LabelSelector, chart.Deployment(other).Spec.Template.Metadata.Labels));
                }
            });
        }
    }

    [Theory]
    [MemberData(nameof(ValuesSets.All), MemberType = typeof(ValuesSets))]
    public async Task ServiceAccounts_EveryDeployment_RunsAsItsOwnAccountWithoutAToken(string valuesSet)
    {
        var chart = await ChartRenderer.RenderAsync(valuesSet);

        foreach (var name in MeshFacts.Services)
        {
            var pod = chart.Deployment(name).Spec.Template.Spec;
            var account = chart.ServiceAccounts.Single(account => account.Metadata.Name == pod.ServiceAccountName);
            Assert.Equal($"{ChartRenderer.ReleaseName}-{name}", account.Metadata.Name);
            Assert.False(account.AutomountServiceAccountToken);
            Assert.False(pod.AutomountServiceAccountToken);
        }
    }

    [Theory]
    [MemberData(nameof(ValuesSets.All), MemberType = typeof(ValuesSets))]
    public async Task PodDisruptionBudgets_EveryBudget_SelectsOneServicesPodsAndNeverBlocksADrain(string valuesSet)
    {
        var chart = await ChartRenderer.RenderAsync(valuesSet);

        Assert.All(chart.PodDisruptionBudgets, budget =>
        {
            var selected = chart.Deployments.Where(deployment => LabelSelectors.Matches(budget.Spec.Selector, deployment.Spec.Template.Metadata.Labels));
            var deployment = Assert.Single(selected);
            Assert.Equal(deployment.Metadata.Name, budget.Metadata.Name);
            Assert.Null(budget.Spec.MinAvailable);
            Assert.True(int.TryParse(budget.Spec.MaxUnavailable?.Value, out var maxUnavailable) && maxUnavailable >= 1, $"{budget.Metadata.Name}: maxUnavailable {budget.Spec.MaxUnavailable?.Value}");
        });
    }

    [Fact]
    public async Task PodDisruptionBudgets_Defaults_ExistForEveryService()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults);

        Assert.Equal(MeshFacts.Services.Select(name => $"{ChartRenderer.ReleaseName}-{name}").Order(), chart.PodDisruptionBudgets.Select(budget => budget.Metadata.Name).Order());
    }

    [Fact]
    public async Task Telemetry_Values_BecomeTheStandardOtelVariables()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults,
            "--set", "serviceDefaults.telemetry.otlpEndpoint=http://collector.observability:4317",
            "--set", "services.users.telemetry.serviceName=mesh-users",
            "--set", "serviceDefaults.telemetry.resourceAttributes.deployment\\.environment\\.name=staging");

        foreach (var name in MeshFacts.Services)
        {
            var environment = chart.Environment(name);
            Assert.Equal("http://collector.observability:4317", environment["OTEL_EXPORTER_OTLP_ENDPOINT"].Value);
            Assert.Equal(name == "users" ? "mesh-users" : name, environment["OTEL_SERVICE_NAME"].Value);
            var attributes = environment["OTEL_RESOURCE_ATTRIBUTES"].Value.Split(',');
            Assert.Contains("deployment.environment.name=staging", attributes);
            Assert.Contains($"k8s.deployment.name={ChartRenderer.ReleaseName}-{name}", attributes);
            Assert.Contains("k8s.pod.name=$(K8S_POD_NAME)", attributes);
            // $(VAR) is expanded only from variables defined before it.
            var names = chart.Container(name).Env.Select(variable => variable.Name).ToList();
            Assert.True(names.IndexOf("K8S_POD_NAME") < names.IndexOf("OTEL_RESOURCE_ATTRIBUTES"));
            Assert.True(names.IndexOf("K8S_NAMESPACE") < names.IndexOf("OTEL_RESOURCE_ATTRIBUTES"));
        }
    }

    [Fact]
    public async Task Telemetry_Defaults_ExportNothing()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults);

        Assert.All(MeshFacts.Services, name => Assert.DoesNotContain("OTEL_EXPORTER_OTLP_ENDPOINT", chart.Environment(name).Keys));
    }
}
