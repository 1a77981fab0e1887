using k8s.Models;

namespace Mesh.Chart.Tests.Infrastructure;

/// <summary>Kubernetes label selector semantics (matchLabels and matchExpressions).</summary>
public static class LabelSelectors
{
    /// <summary>Whether the selector selects the labels; an empty selector selects everything.</summary>
    public static bool Matches(V1LabelSelector selector, IDictionary<string, string>? labels)
    {
        labels ??= new Dictionary<string, string>();
        var byLabels = (selector.MatchLabels ?? new Dictionary<string, string>())
            .All(required => labels.TryGetValue(required.Key, out var value) && value == required.Value);
        var byExpressions = (selector.MatchExpressions ?? []).All(expression => expression.OperatorProperty switch
        {
            "In" => labels.TryGetValue(expression.Key, out var value) && expression.Values.Contains(value),
            "NotIn" => !labels.TryGetValue(expression.Key, out var value) || !expression.Values.Contains(value),
            "Exists" => labels.ContainsKey(expression.Key),
            "DoesNotExist" => !labels.ContainsKey(expression.Key),
            _ => throw new InvalidOperationException($"unknown selector operator {expression.OperatorProperty}"),
        });
        return byLabels && byExpressions;
    }

    /// <summary>Whether a Service-style selector (plain labels) selects the labels; an empty one selects nothing.</summary>
    public static bool Matches(IDictionary<string, string>? selector, IDictionary<string, string>? labels) =>
        selector is { Count: > 0 } && labels is not null
        && selector.All(required => labels.TryGetValue(required.Key, out var value) && value == required.Value);
}
