namespace Mesh.Bench.Load;

/// <summary>A call that returned OK with an answer that is not a success (e.g. an order not CONFIRMED); counted as an error under <see cref="Status"/>.</summary>
public sealed class UnexpectedAnswerException : Exception
{
    public UnexpectedAnswerException()
        : this("UNEXPECTED_ANSWER")
    {
    }

    public UnexpectedAnswerException(string status)
        : base($"The call succeeded but answered {status}.") => Status = status;

    public UnexpectedAnswerException(string message, Exception innerException)
        : base(message, innerException) => Status = "UNEXPECTED_ANSWER";

    public string Status { get; }
}
