using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Mesh.Testing.Postgres;

/// <summary>
/// The theory twin of <see cref="ContractFactAttribute"/>: in a class that is
/// <see cref="IRequiresPostgres"/> it is skipped, with the reason, when no PostgreSQL server is
/// configured (never under CI=true).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("Mesh.Testing.Postgres.ContractTheoryDiscoverer", "Mesh.Testing")]
public sealed class ContractTheoryAttribute : TheoryAttribute;

public sealed class ContractTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(
        ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute)
    {
        ArgumentNullException.ThrowIfNull(testMethod);
        var testClass = testMethod.TestClass.Class.ToRuntimeType();
        return typeof(IRequiresPostgres).IsAssignableFrom(testClass) && PostgresServer.SkipReason is { } reason
            // One skipped case for the whole theory (the base skip case ignores the reason it is given).
            ? [new XunitSkippedDataRowTestCase(
                DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)]
            : base.Discover(discoveryOptions, testMethod, theoryAttribute);
    }
}
