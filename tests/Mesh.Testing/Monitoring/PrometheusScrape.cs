using System.Text;

namespace Mesh.Testing.Monitoring;

/// <summary>One sample of a scrape: the series name as exposed (a histogram's _bucket, _sum, _count apart) and its labels.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, string Value);

/// <summary>
/// A scrape of <c>GET /metrics</c> in the Prometheus text format (version 0.0.4), read sample by
/// sample. Comments (# HELP, # TYPE) are skipped: a name is exported when a sample of it is.
/// </summary>
public sealed class PrometheusScrape
{
    private PrometheusScrape(IReadOnlyList<PrometheusSample> samples) => Samples = samples;

    public IReadOnlyList<PrometheusSample> Samples { get; }

    public IReadOnlySet<string> Names => Samples.Select(sample => sample.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>Every label name any sample of <paramref name="name"/> carries.</summary>
    public IReadOnlySet<string> LabelsOf(string name) =>
        Samples.Where(sample => sample.Name == name).SelectMany(sample => sample.Labels.Keys).ToHashSet(StringComparer.Ordinal);

    public bool Has(string name) => Samples.Any(sample => sample.Name == name);

    /// <summary>The samples of several scrapes together (the three services as one mesh).</summary>
    public static PrometheusScrape Combine(IEnumerable<PrometheusScrape> scrapes) => new([.. scrapes.SelectMany(scrape => scrape.Samples)]);

    /// <summary>Reads the text format; throws <see cref="FormatException"/> on a line that is not a sample.</summary>
    public static PrometheusScrape Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var samples = new List<PrometheusSample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            samples.Add(ParseSample(line));
        }

        return new PrometheusScrape(samples);
    }

    private static PrometheusSample ParseSample(string line)
    {
        var index = 0;
        while (index < line.Length && line[index] is not ('{' or ' '))
        {
            index++;
        }

        var name = line[..index];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (index < line.Length && line[index] == '{')
        {
            index++;
            while (true)
            {
                if (index >= line.Length)
                {
                    throw new FormatException($"unterminated labels: {line}");
                }

                if (line[index] == '}')
                {
                    index++;
                    break;
                }

                var equals = line.IndexOf('=', index);
                if (equals < 0 || equals + 1 >= line.Length || line[equals + 1] != '"')
                {
                    throw new FormatException($"a label without a quoted value: {line}");
                }

                var label = line[index..equals].Trim();
                index = equals + 2;
                var value = new StringBuilder();
                while (index < line.Length && line[index] != '"')
                {
                    if (line[index] == '\\' && index + 1 < line.Length)
                    {
                        index++;
                        value.Append(line[index] == 'n' ? '\n' : line[index]);
                    }
                    else
                    {
                        value.Append(line[index]);
                    }

                    index++;
                }

                index++; // the closing quote
                labels[label] = value.ToString();
                if (index < line.Length && line[index] == ',')
                {
                    index++;
                }
            }
        }

        var rest = line[index..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (name.Length == 0 || rest.Length == 0)
        {
            throw new FormatException($"not a sample: {line}");
        }

        return new PrometheusSample(name, labels, rest[0]);
    }
}
