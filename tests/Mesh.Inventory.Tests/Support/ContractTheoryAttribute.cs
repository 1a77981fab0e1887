using Xunit.Abstractions;
using Xunit.Sdk;

namespace Mesh.Inventory.Tests.Support;

/// <summary>
/// The theory twin of <see cref="ContractFactAttribute"/>: written once in an abstract class,
/// run by each provider's derived class, skipped with the reason in an
/// <see cref="IRequiresPostgres"/> class when no PostgreSQL server is configured (never under CI=true).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("Mesh.Inventory.Tests.Support.ContractTheoryDiscoverer", "Mesh.Inventory.Tests")]
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
            return [new XunitSkippedDataRowTestCase(
                DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)];
        }

        return base.Discover(discoveryOptions, testMethod, theoryAttribute);
    }
}
