using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Mesh.Testing.Monitoring;

/// <summary>One PromQL query of the dashboard or of an alert rule, named by where it is.</summary>
public sealed record MonitoringQuery(string Source, string Expression)
{
    public PromQlQuery Parse()
    {
        try
        {
            return PromQlQuery.Parse(Expression);
        }
        catch (FormatException exception)
        {
            throw new FormatException($"{Source}: {exception.Message}", exception);
        }
    }

    public override string ToString() => Source;
}

/// <summary>
/// The queries the chart ships: every expression of the Grafana dashboard (panel targets and
/// template variables) and every alert expression of the PrometheusRule template, read from the
/// repository's files.
/// </summary>
public static partial class MonitoringQueries
{
    public static readonly string DashboardPath = Path.Combine("charts", "mesh", "files", "grafana-dashboard.json");

    public static readonly string RuleTemplatePath = Path.Combine("charts", "mesh", "templates", "prometheusrule.yaml");

    /// <summary>
    /// Series the services do not export, so no scrape of theirs can show them: Prometheus' own
    /// <c>up</c>, and kube-state-metrics' pod series (readiness, restarts).
    /// </summary>
    public static IReadOnlySet<string> ExternalMetrics { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "up",
        "kube_pod_status_ready",
        "kube_pod_container_status_restarts_total",
    };

    /// <summary>
    /// Labels Prometheus gives every series of a target found by the chart's PodMonitor, which a
    /// scrape of the service itself does not carry: the pod's namespace and name, the container and
    /// port, job (the pod's app.kubernetes.io/name), instance and the release (podTargetLabels).
    /// </summary>
    public static IReadOnlySet<string> TargetLabels { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "namespace",
        "pod",
        "container",
        "endpoint",
        "job",
        "instance",
        "app_kubernetes_io_instance",
    };

    /// <summary>The dashboard's and the rule template's queries, from the repository.</summary>
    public static IReadOnlyList<MonitoringQuery> FromRepository()
    {
        var root = Mesh.Testing.RepositoryRoot.Path;
        return
        [
            .. Dashboard(File.ReadAllText(Path.Combine(root, DashboardPath))),
            .. RuleTemplate(File.ReadAllText(Path.Combine(root, RuleTemplatePath))),
        ];
    }

    /// <summary>
    /// Every query of a Grafana dashboard: each panel's targets (rows' nested panels too) and each
    /// query variable. <c>label_values(selector, label)</c> is read as <c>group by (label) (selector)</c>,
    /// which asks the same of the series.
    /// </summary>
    public static IReadOnlyList<MonitoringQuery> Dashboard(string json)
    {
        var dashboard = JsonNode.Parse(json) ?? throw new FormatException("the dashboard is empty");
        var queries = new List<MonitoringQuery>();

        void Panels(JsonArray? panels)
        {
            foreach (var panel in panels ?? [])
            {
                var title = (string?)panel?["title"] ?? "(untitled)";
                foreach (var target in panel?["targets"]?.AsArray() ?? [])
                {
                    if ((string?)target?["expr"] is { } expr)
                    {
                        queries.Add(new MonitoringQuery($"dashboard panel \"{title}\" target {(string?)target?["refId"]}", expr));
                    }
                }

                Panels(panel?["panels"]?.AsArray());
            }
        }

        Panels(dashboard["panels"]?.AsArray());
        foreach (var variable in dashboard["templating"]?["list"]?.AsArray() ?? [])
        {
            if ((string?)variable?["type"] != "query")
            {
                continue;
            }

            var query = variable!["query"] is JsonObject structured ? (string?)structured["query"] : (string?)variable["query"];
            if (VariableQuery(query) is { } expression)
            {
                queries.Add(new MonitoringQuery($"dashboard variable ${(string?)variable["name"]}", expression));
            }
        }

        return queries;
    }

    /// <summary>
    /// The alert expressions of the PrometheusRule template's source, each template action
    /// (<c>{{ $selector }}</c>, a threshold) read as a placeholder: the metric names and the labels
    /// the rule groups and matches by are written out in the source.
    /// </summary>
    public static IReadOnlyList<MonitoringQuery> RuleTemplate(string source)
    {
        var lines = source.Split('\n');
        var queries = new List<MonitoringQuery>();
        var alert = "(no alert)";
        for (var index = 0; index < lines.Length; index++)
        {
            if (AlertLineRegex().Match(lines[index]) is { Success: true } named)
            {
                alert = named.Groups[1].Value.Trim();
                continue;
            }

            var expr = ExprLineRegex().Match(lines[index]);
            if (!expr.Success)
            {
                continue;
            }

            var indent = expr.Groups[1].Value.Length;
            var inline = expr.Groups[2].Value.Trim();
            var text = inline;
            if (inline is "|" or "|-" or ">" or ">-")
            {
                var body = new List<string>();
                while (index + 1 < lines.Length && (lines[index + 1].Trim().Length == 0 || Indent(lines[index + 1]) > indent))
                {
                    body.Add(lines[++index]);
                }

                text = string.Join('\n', body);
            }

            queries.Add(new MonitoringQuery($"alert {alert} ({RuleTemplatePath})", TemplateActionRegex().Replace(text, "0")));
        }

        return queries;
    }

    private static string? VariableQuery(string? query)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            return null;
        }

        var trimmed = query.Trim();
        if (trimmed.StartsWith("label_values(", StringComparison.Ordinal) && trimmed.EndsWith(')'))
        {
            var arguments = trimmed["label_values(".Length..^1];
            var comma = arguments.LastIndexOf(',');
            return comma < 0 ? null : $"group by ({arguments[(comma + 1)..].Trim()}) ({arguments[..comma].Trim()})";
        }

        if (trimmed.StartsWith("query_result(", StringComparison.Ordinal) && trimmed.EndsWith(')'))
        {
            return trimmed["query_result(".Length..^1];
        }

        return trimmed;
    }

    private static int Indent(string line) => line.Length - line.TrimStart(' ').Length;

    [GeneratedRegex(@"^\s*-\s*alert:\s*(\S+)")]
    private static partial Regex AlertLineRegex();

    [GeneratedRegex(@"^(\s*)expr:\s*(.*)$")]
    private static partial Regex ExprLineRegex();

    [GeneratedRegex(@"\{\{.*?\}\}")]
    private static partial Regex TemplateActionRegex();
}
