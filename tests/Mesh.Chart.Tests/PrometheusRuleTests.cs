using System.Text.RegularExpressions;
using Mesh.Chart.Tests.Infrastructure;
using Mesh.Testing.Monitoring;

namespace Mesh.Chart.Tests;

/// <summary>
/// The optional PrometheusRule: every alert parses, queries only what the dashboard shows (whose
/// metrics a test checks against real scrapes), selects this release's series, takes its thresholds
/// from the values, and links a runbook section that docs/operations.md has. The messaging alerts
/// exist only with messaging.enabled, so the tests of every alert render with messaging on.
/// </summary>
public sealed partial class PrometheusRuleTests
{
    private static readonly string[] Enabled = ["--set", "prometheusRule.enabled=true"];

    /// <summary>The rule with messaging on (the bundled broker, the simplest valid messaging values), so every alert is there.</summary>
    private static readonly string[] EnabledWithMessaging = [.. Enabled, "--set", "messaging.enabled=true", "--set", "messaging.rabbitmq.enabled=true"];

    private static readonly string[] BaseAlerts =
        ["MeshHighErrorRatio", "MeshHighLatency", "MeshFeedConsumerLagging", "MeshReadinessFlapping", "MeshPodRestarting", "MeshMetricsScrapeFailing"];

    private static readonly string[] MessagingAlerts = ["MeshRelayLagging", "MeshMessagesDeadLettered"];

    private static readonly string[] Alerts = [.. BaseAlerts, .. MessagingAlerts];

    [Fact]
    public async Task PrometheusRule_Enabled_HasEveryAlertWithSeveritySummaryDescriptionAndRunbook()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, [.. EnabledWithMessaging, "--set", "prometheusRule.labels.release=kube-prometheus-stack"]);
        var rule = Assert.Single(chart.PrometheusRules);

        Assert.Equal("monitoring.coreos.com/v1", rule.ApiVersion);
        Assert.Equal(ChartRenderer.Namespace, rule.Metadata.NamespaceProperty);
        Assert.Equal("kube-prometheus-stack", rule.Metadata.Labels["release"]);
        Assert.Equal(8, Alerts.Length);
        Assert.Equal(Alerts.Order(), AlertRules(rule).Select(alert => alert.Alert).Order());
        Assert.All(AlertRules(rule), alert =>
        {
            Assert.Contains(alert.Labels["severity"], new[] { "critical", "warning" });
            Assert.False(string.IsNullOrWhiteSpace(alert.Annotations["summary"]), alert.Alert);
            Assert.False(string.IsNullOrWhiteSpace(alert.Annotations["description"]), alert.Alert);
            Assert.Equal($"docs/operations.md#{alert.Alert.ToLowerInvariant()}", alert.Annotations["runbook_url"]);
        });
    }

    [Fact]
    public async Task RunbookUrls_EveryAlert_PointAtASectionOfTheOperationsGuide()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, EnabledWithMessaging);
        var anchors = HeadingRegex().Matches(File.ReadAllText(RepositoryPaths.OperationsGuide))
            .Select(heading => GitHubAnchor(heading.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(Alerts.Order(), AlertRules(Assert.Single(chart.PrometheusRules)).Select(alert => alert.Alert).Order());
        Assert.All(AlertRules(Assert.Single(chart.PrometheusRules)), alert =>
            Assert.Contains(alert.Annotations["runbook_url"].Split('#')[1], anchors));
    }

    [Fact]
    public void RunbookSections_MessagingAlerts_AreUnderAlertsAndSayWhenTheyFireAndWhatToDo()
    {
        var guide = File.ReadAllText(RepositoryPaths.OperationsGuide);
        var alerts = guide.IndexOf("\n## Alerts\n", StringComparison.Ordinal);
        Assert.True(alerts >= 0, "docs/operations.md has no \"## Alerts\" section");

        foreach (var alert in MessagingAlerts)
        {
            var start = guide.IndexOf($"\n### {alert}\n", StringComparison.Ordinal);
            Assert.True(start > alerts, $"docs/operations.md has no \"### {alert}\" under \"## Alerts\"");
            var next = guide.IndexOf("\n#", start + 1, StringComparison.Ordinal);
            var section = next < 0 ? guide[start..] : guide[start..next];
            Assert.Contains("**Fires**", section, StringComparison.Ordinal);
            Assert.Contains("**Do**", section, StringComparison.Ordinal);
            Assert.Contains("messaging.enabled", section, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("no alert rule for these", guide, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://git.example.com/mesh/-/blob/main/")]
    [InlineData("https://git.example.com/mesh/-/blob/main")]
    public async Task RunbookUrls_BaseUrlSet_AreThatUrlPlusTheGuidesPathAndAnchor(string baseUrl)
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, [.. EnabledWithMessaging, "--set", $"prometheusRule.runbookBaseUrl={baseUrl}"]);

        Assert.All(AlertRules(Assert.Single(chart.PrometheusRules)), alert => Assert.Equal(
            $"https://git.example.com/mesh/-/blob/main/docs/operations.md#{alert.Alert.ToLowerInvariant()}", alert.Annotations["runbook_url"]));
    }

    [Fact]
    public async Task Expressions_EveryAlert_ParseAndQueryOnlyMetricsTheDashboardShows()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, EnabledWithMessaging);
        var shown = MonitoringQueries.Dashboard(File.ReadAllText(RepositoryPaths.GrafanaDashboard))
            .SelectMany(query => query.Parse().Metrics).ToHashSet(StringComparer.Ordinal);

        Assert.All(AlertRules(Assert.Single(chart.PrometheusRules)), alert =>
        {
            // Balanced delimiters and strings, or Parse throws.
            var query = PromQlQuery.Parse(alert.Expr);
            Assert.NotEmpty(query.Metrics);
            Assert.Empty(query.Metrics.Except(shown));
        });
    }

    [Fact]
    public async Task Expressions_ServiceMetrics_SelectThisReleasesTargetsByThePodMonitorsLabels()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, [.. EnabledWithMessaging, "--set", "metrics.podMonitor.enabled=true"]);
        var monitor = chart.PodMonitors.First();

        // The labels the alerts select by are the ones the PodMonitor gives the targets.
        Assert.Contains("app.kubernetes.io/instance", monitor.Spec.PodTargetLabels!);
        foreach (var alert in AlertRules(Assert.Single(chart.PrometheusRules)))
        {
            foreach (var selector in PromQlQuery.Parse(alert.Expr).Selectors.Where(selector => !selector.Metric.StartsWith("kube_", StringComparison.Ordinal)))
            {
                Assert.Contains(new PromQlMatcher("namespace", "=", ChartRenderer.Namespace), selector.Matchers);
                Assert.Contains(new PromQlMatcher("app_kubernetes_io_instance", "=", ChartRenderer.ReleaseName), selector.Matchers);
            }
        }
    }

    [Fact]
    public async Task Expressions_KubeStateMetrics_SelectExactlyTheServicesDeploymentPods()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, [.. EnabledWithMessaging, "--set", "fullnameOverride=shop"]);
        var kubeSelectors = AlertRules(Assert.Single(chart.PrometheusRules))
            .SelectMany(alert => PromQlQuery.Parse(alert.Expr).Selectors)
            .Where(selector => selector.Metric.StartsWith("kube_", StringComparison.Ordinal))
            .ToList();

        Assert.Equal(2, kubeSelectors.Count);
        foreach (var selector in kubeSelectors)
        {
            Assert.Contains(new PromQlMatcher("namespace", "=", ChartRenderer.Namespace), selector.Matchers);
            var pods = new Regex($"^(?:{selector.Matchers.Single(matcher => matcher.Label == "pod").Value})$");
            foreach (var name in MeshFacts.Services)
            {
                Assert.Matches(pods, $"shop-{name}-7c9f8d5b4-x2wqz");
                Assert.DoesNotMatch(pods, $"shop-{name}-health-check");
                Assert.DoesNotMatch(pods, $"mesh-{name}-7c9f8d5b4-x2wqz");
            }

            Assert.DoesNotMatch(pods, "shop-postgresql-0");
            Assert.DoesNotMatch(pods, "shop-payments-7c9f8d5b4-x2wqz");
            if (selector.Matchers.SingleOrDefault(matcher => matcher.Label == "container") is { } container)
            {
                Assert.Equal(MeshFacts.Services.Order(), container.Value.Split('|').Order());
                // The containers are named after their service.
                Assert.Equal(MeshFacts.Services.Order(), chart.Deployments.Select(deployment => deployment.Spec.Template.Spec.Containers.Single().Name).Order());
            }
        }
    }

    [Fact]
    public async Task Expressions_StreamingMethods_AreEveryStreamOfTheProtosAndTheFrameworks()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, Enabled);
        var dashboard = MonitoringQueries.Dashboard(File.ReadAllText(RepositoryPaths.GrafanaDashboard)).Select(query => query.Expression);
        var expected = MeshFacts.ProtoStreamingMethods().Concat(MeshFacts.FrameworkStreamingMethods).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(3, MeshFacts.ProtoStreamingMethods().Count);
        var excluded = AlertRules(Assert.Single(chart.PrometheusRules)).Select(alert => alert.Expr).Concat(dashboard)
            .SelectMany(expression => PromQlQuery.Parse(expression).Selectors)
            .SelectMany(selector => selector.Matchers)
            .Where(matcher => matcher is { Label: "rpc_method", Operator: "!~" })
            .ToList();
        Assert.NotEmpty(excluded);
        Assert.All(excluded, matcher => Assert.Equal(expected, matcher.Value.Split('|').Order(StringComparer.Ordinal)));
    }

    [Fact]
    public async Task Thresholds_SetInValues_AreTheOnesTheAlertsUse()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, [.. Enabled,
            "--set-json", "prometheusRule.errorRatio.threshold=0.1", "--set-json", "prometheusRule.errorRatio.statusCodes=[13,14]",
            "--set", "prometheusRule.errorRatio.forMinutes=7", "--set", "prometheusRule.latency.p99Milliseconds=250",
            "--set", "prometheusRule.feedConsumerLag.events=42", "--set", "prometheusRule.readinessFlapping.windowMinutes=20",
            "--set", "prometheusRule.podRestarts.restarts=5", "--set", "prometheusRule.scrapeFailing.forMinutes=3",
            "--set", "messaging.enabled=true", "--set", "messaging.rabbitmq.enabled=true",
            "--set", "prometheusRule.relayLag.seconds=120", "--set", "prometheusRule.relayLag.forMinutes=9",
            "--set", "prometheusRule.deadLetters.windowMinutes=45"]);
        var alerts = AlertRules(Assert.Single(chart.PrometheusRules)).ToDictionary(alert => alert.Alert);

        Assert.EndsWith("> 0.1", alerts["MeshHighErrorRatio"].Expr, StringComparison.Ordinal);
        Assert.Contains("rpc_grpc_status_code=~\"13|14\"", alerts["MeshHighErrorRatio"].Expr, StringComparison.Ordinal);
        Assert.Equal("7m", alerts["MeshHighErrorRatio"].For);
        Assert.Contains("10%", alerts["MeshHighErrorRatio"].Annotations["description"], StringComparison.Ordinal);
        Assert.EndsWith("> 250", alerts["MeshHighLatency"].Expr, StringComparison.Ordinal);
        Assert.EndsWith("> 42", alerts["MeshFeedConsumerLagging"].Expr, StringComparison.Ordinal);
        Assert.Contains("[20m]", alerts["MeshReadinessFlapping"].Expr, StringComparison.Ordinal);
        Assert.EndsWith("> 5", alerts["MeshPodRestarting"].Expr, StringComparison.Ordinal);
        Assert.Equal("3m", alerts["MeshMetricsScrapeFailing"].For);
        Assert.EndsWith("> 120", alerts["MeshRelayLagging"].Expr, StringComparison.Ordinal);
        Assert.Equal("9m", alerts["MeshRelayLagging"].For);
        Assert.Contains("120 seconds, for 9 minutes", alerts["MeshRelayLagging"].Annotations["description"], StringComparison.Ordinal);
        Assert.Contains("[45m]", alerts["MeshMessagesDeadLettered"].Expr, StringComparison.Ordinal);
        Assert.Contains("last 45 minutes", alerts["MeshMessagesDeadLettered"].Annotations["description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task MessagingGroup_MessagingEnabled_HasTheRelayAndDeadLetterAlertsWithTheDefaultThresholds()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, EnabledWithMessaging);
        var rule = Assert.Single(chart.PrometheusRules);
        var group = Assert.Single(rule.Spec.Groups, group => group.Name == "mesh.messaging");
        var alerts = group.Rules.ToDictionary(alert => alert.Alert);
        var selector = $"namespace=\"{ChartRenderer.Namespace}\", app_kubernetes_io_instance=\"{ChartRenderer.ReleaseName}\"";

        Assert.Equal(MessagingAlerts.Order(), alerts.Keys.Order());
        Assert.Equal(
            $"max by (namespace, job, log) (mesh_relay_lag_age_seconds{{{selector}}})\n  > 300",
            alerts["MeshRelayLagging"].Expr);
        Assert.Equal("5m", alerts["MeshRelayLagging"].For);
        Assert.Equal(
            $"sum by (namespace, job, queue, reason) (increase(mesh_messaging_dead_lettered_total{{{selector}}}[15m]))\n  > 0",
            alerts["MeshMessagesDeadLettered"].Expr);
        // Any dead letter is worth a look at once: no pending period.
        Assert.Null(alerts["MeshMessagesDeadLettered"].For);
        Assert.All(group.Rules, alert => Assert.Equal("warning", alert.Labels["severity"]));
        Assert.Equal(["mesh.rpc", "mesh.feeds", "mesh.messaging", "mesh.pods"], rule.Spec.Groups.Select(group => group.Name));
    }

    [Theory]
    [InlineData(ValuesSets.Defaults)]
    [InlineData("values-production-example.yaml")]
    public async Task MessagingGroup_MessagingDisabled_IsNotRendered(string valuesSet)
    {
        var chart = await ChartRenderer.RenderAsync(valuesSet, Enabled);
        var rule = Assert.Single(chart.PrometheusRules);

        Assert.DoesNotContain(rule.Spec.Groups, group => group.Name == "mesh.messaging");
        Assert.Equal(BaseAlerts.Order(), AlertRules(rule).Select(alert => alert.Alert).Order());
    }

    [Fact]
    public async Task MessagingGroup_PrometheusRuleDisabled_RendersNoRuleEvenWithMessaging()
    {
        var chart = await ChartRenderer.RenderAsync("values-messaging.yaml");

        Assert.Empty(chart.PrometheusRules);
    }

    private static IEnumerable<PrometheusAlertRule> AlertRules(PrometheusRule rule) => rule.Spec.Groups.SelectMany(group => group.Rules);

    /// <summary>The anchor GitHub and most renderers give a heading: lower case, punctuation dropped, spaces as dashes.</summary>
    private static string GitHubAnchor(string heading) =>
        AnchorDropRegex().Replace(heading.Trim().ToLowerInvariant(), string.Empty).Replace(' ', '-');

    [GeneratedRegex(@"^#{1,6}\s+(.+?)\s*$", RegexOptions.Multiline)]
    private static partial Regex HeadingRegex();

    [GeneratedRegex(@"[^a-z0-9 _-]")]
    private static partial Regex AnchorDropRegex();
}
