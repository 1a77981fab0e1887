namespace Mesh.Bench.Load;

/// <summary>One call of a scenario: <c>sequence</c> numbers the calls (for request ids and key choice); it throws on failure.</summary>
public delegate Task LoadCall(long sequence, CancellationToken cancellationToken);
