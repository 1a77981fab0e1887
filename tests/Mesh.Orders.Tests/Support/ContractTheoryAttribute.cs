using Mesh.Testing.Postgres;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Mesh.Orders.Tests.Support;

/// <summary>
/// The theory twin of <see cref="ContractFactAttribute"/>: in a class that is
/// <see cref="IRequiresPostgres"/> it is skipped, with the reason, when no PostgreSQL server is
/// configured (never under CI=true: then it fails).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("Mesh.Orders.Tests.Support.ContractTheoryDiscoverer", "Mesh.Orders.Tests")]
public sealed class ContractTheoryAttribute : TheoryAttribute;

public sealed class ContractTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(
        ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute)
    {
        ArgumentNullException.ThrowIfNull(discoveryOptions);
        ArgumentNullException.ThrowIfNull(testMethod);
        var testClass = testMethod.TestClass.Class.ToRuntimeType();
        if (typeof(IRequiresPostgres).IsAssignableFrom(testClass) && PostgresServer.SkipReason is { } reason)
        {
            return
            [
                new XunitSkippedDataRowTestCase(
                    DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason),
            ];
        }

        return base.Discover(discoveryOptions, testMethod, theoryAttribute);
    }
}
