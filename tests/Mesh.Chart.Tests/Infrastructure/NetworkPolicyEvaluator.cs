using k8s.Models;

namespace Mesh.Chart.Tests.Infrastructure;

/// <summary>
/// Decides, by the NetworkPolicy rules of the Kubernetes API, whether a connection is allowed:
/// the source's egress policies must allow it and the destination's ingress policies too. A pod no
/// policy selects for a direction is open in that direction. An ipBlock peer is taken to match any
/// endpoint (the evaluator cannot know pod addresses), so it can only widen what is allowed.
/// </summary>
public sealed class NetworkPolicyEvaluator(IEnumerable<V1NetworkPolicy> policies, string policyNamespace)
{
    private readonly IReadOnlyList<V1NetworkPolicy> _policies = policies.ToArray();

    public bool Allows(NetworkEndpoint source, NetworkEndpoint destination, EndpointPort port) =>
        EgressAllows(source, destination, port) && IngressAllows(destination, source, port);

    private bool EgressAllows(NetworkEndpoint source, NetworkEndpoint destination, EndpointPort port)
    {
        var selecting = Selecting(source, "Egress").ToArray();
        return selecting.Length == 0 || selecting.Any(policy => (policy.Spec.Egress ?? [])
            .Any(rule => PeersMatch(rule.To, destination) && PortsMatch(rule.Ports, port)));
    }

    private bool IngressAllows(NetworkEndpoint destination, NetworkEndpoint source, EndpointPort port)
    {
        var selecting = Selecting(destination, "Ingress").ToArray();
        return selecting.Length == 0 || selecting.Any(policy => (policy.Spec.Ingress ?? [])
            .Any(rule => PeersMatch(rule.FromProperty, source) && PortsMatch(rule.Ports, port)));
    }

    private IEnumerable<V1NetworkPolicy> Selecting(NetworkEndpoint pod, string direction) =>
        pod.Namespace != policyNamespace
            ? []
            : _policies.Where(policy => HasType(policy, direction)
                && LabelSelectors.Matches(policy.Spec.PodSelector, pod.Labels.ToDictionary()));

    private static bool HasType(V1NetworkPolicy policy, string direction) =>
        policy.Spec.PolicyTypes is { Count: > 0 } types
            ? types.Contains(direction)
            : direction == "Ingress" || policy.Spec.Egress is not null;

    private bool PeersMatch(IList<V1NetworkPolicyPeer>? peers, NetworkEndpoint endpoint) =>
        peers is null || peers.Count == 0 || peers.Any(peer => PeerMatches(peer, endpoint));

    private bool PeerMatches(V1NetworkPolicyPeer peer, NetworkEndpoint endpoint)
    {
        if (peer.IpBlock is not null)
        {
            return true;
        }

        if (!endpoint.IsPod)
        {
            return false;
        }

        var labels = endpoint.Labels.ToDictionary();
        if (peer.NamespaceSelector is null)
        {
            return endpoint.Namespace == policyNamespace
                && peer.PodSelector is not null && LabelSelectors.Matches(peer.PodSelector, labels);
        }

        var namespaceLabels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = endpoint.Namespace! };
        return LabelSelectors.Matches(peer.NamespaceSelector, namespaceLabels)
            && (peer.PodSelector is null || LabelSelectors.Matches(peer.PodSelector, labels));
    }

    private static bool PortsMatch(IList<V1NetworkPolicyPort>? ports, EndpointPort port) =>
        ports is null || ports.Count == 0 || ports.Any(rule =>
        {
            if ((rule.Protocol ?? "TCP") != port.Protocol)
            {
                return false;
            }

            var value = rule.Port?.Value;
            if (value is null)
            {
                return true;
            }

            if (int.TryParse(value, out var number))
            {
                return rule.EndPort is int end ? port.Number >= number && port.Number <= end : port.Number == number;
            }

            return port.Name == value;
        });
}
