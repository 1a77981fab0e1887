using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Mesh.Testing.Postgres;

/// <summary>Marks a test class whose tests need the PostgreSQL server.</summary>
public interface IRequiresPostgres;

/// <summary>
/// A storage contract test, written once in an abstract class and run by each provider's
/// derived class. In a class that is <see cref="IRequiresPostgres"/> it is skipped, with the
/// reason, when no PostgreSQL server is configured (never under CI=true: then it fails).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("Mesh.Testing.Postgres.ContractFactDiscoverer", "Mesh.Testing")]
public sealed class ContractFactAttribute : FactAttribute;

public sealed class ContractFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var testClass = testMethod.TestClass.Class.ToRuntimeType();
        if (typeof(IRequiresPostgres).IsAssignableFrom(testClass) && PostgresServer.SkipReason is { } reason)
        {
            return new XunitSkippedDataRowTestCase(
                DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason);
        }

        return base.CreateTestCase(discoveryOptions, testMethod, factAttribute);
    }
}
