namespace Mesh.Container.Tests.Support;

/// <summary>One Dockerfile instruction: its keyword (upper case) and arguments, continuation lines joined.</summary>
public sealed record DockerfileInstruction(string Keyword, string Arguments)
{
    /// <summary>Reads the instructions of <paramref name="path"/>, without comments and blank lines.</summary>
    public static IReadOnlyList<DockerfileInstruction> Parse(string path)
    {
        var instructions = new List<DockerfileInstruction>();
        var pending = "";
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1].TrimEnd() + " ";
                continue;
            }

            var text = pending + line;
            pending = "";
            var space = text.IndexOf(' ', StringComparison.Ordinal);
            instructions.Add(space < 0
                ? new DockerfileInstruction(text.ToUpperInvariant(), "")
                : new DockerfileInstruction(text[..space].ToUpperInvariant(), text[(space + 1)..].Trim()));
        }

        return instructions;
    }

    /// <summary>This instruction with the SERVICE build argument replaced by <paramref name="service"/>'s name, as its image's build reads it.</summary>
    public DockerfileInstruction For(ServiceImage service) =>
        this with { Arguments = Arguments.Replace("${SERVICE}", service.Name, StringComparison.Ordinal).Replace("$SERVICE", service.Name, StringComparison.Ordinal) };

    /// <inheritdoc />
    public override string ToString() => $"{Keyword} {Arguments}";
}
