using System.Text;

namespace Mesh.Testing.Monitoring;

/// <summary>
/// What a PromQL query (as the dashboard and the alert rules write them) asks of the metrics: the
/// metric names it selects with the labels each selector matches on, and the labels of each
/// <c>by (...)</c> / <c>without (...)</c> clause with the metrics it aggregates. Not a full grammar:
/// enough to check that delimiters and strings are balanced and that every metric and label queried
/// is one the services export. Grafana's variables (<c>$job</c>, <c>[$__rate_interval]</c>) are
/// read as opaque tokens.
/// </summary>
public sealed class PromQlQuery
{
    // Identifiers that are neither metrics nor functions.
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "atan2", "inf", "nan", "Inf", "NaN",
    };

    private static readonly HashSet<string> GroupingKeywords = new(StringComparer.Ordinal) { "by", "without", "on", "ignoring", "group_left", "group_right" };

    private PromQlQuery(string text, IReadOnlyList<PromQlSelector> selectors, IReadOnlyList<PromQlGrouping> groupings)
    {
        Text = text;
        Selectors = selectors;
        Groupings = groupings;
    }

    public string Text { get; }

    /// <summary>Every series selector, in order: <c>metric{label="value", ...}</c>.</summary>
    public IReadOnlyList<PromQlSelector> Selectors { get; }

    /// <summary>Every label list of by / without / on / ignoring / group_left / group_right.</summary>
    public IReadOnlyList<PromQlGrouping> Groupings { get; }

    /// <summary>The metric names the query selects.</summary>
    public IReadOnlySet<string> Metrics => Selectors.Select(selector => selector.Metric).ToHashSet(StringComparer.Ordinal);

    /// <summary>Reads <paramref name="text"/>; throws <see cref="FormatException"/> when a string or a delimiter is left open or closed twice.</summary>
    public static PromQlQuery Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = Tokenize(text);
        var partners = MatchDelimiters(text, tokens);
        var selectors = new List<(int Index, PromQlSelector Selector)>();
        var groupings = new List<(string Keyword, List<string> Labels, int From, int To)>();

        for (var index = 0; index < tokens.Count; index++)
        {
            var token = tokens[index];
            if (token.Kind == TokenKind.Punctuation && token.Text == "[")
            {
                // Ranges and subqueries hold durations and variables, nothing to select.
                index = partners[index];
                continue;
            }

            if (token.Kind == TokenKind.Punctuation && token.Text == "{")
            {
                // A selector without a metric name: {__name__="x", ...}.
                var matchers = ReadMatchers(tokens, index + 1, partners[index]);
                var name = matchers.FirstOrDefault(matcher => matcher.Label == "__name__" && matcher.Operator == "=");
                if (name is not null)
                {
                    selectors.Add((index, new PromQlSelector(name.Value, [.. matchers.Where(matcher => matcher != name)])));
                }

                index = partners[index];
                continue;
            }

            if (token.Kind != TokenKind.Identifier)
            {
                continue;
            }

            var next = index + 1 < tokens.Count ? tokens[index + 1] : null;
            if (GroupingKeywords.Contains(token.Text))
            {
                if (next is not { Kind: TokenKind.Punctuation, Text: "(" })
                {
                    continue; // group_left without labels
                }

                var close = partners[index + 1];
                var labels = tokens.Skip(index + 2).Take(close - index - 2)
                    .Where(label => label.Kind is TokenKind.Identifier or TokenKind.String)
                    .Select(label => label.Kind == TokenKind.String ? Unquote(label.Text) : label.Text)
                    .ToList();
                var (from, to) = Scope(tokens, partners, token.Text, index, close);
                groupings.Add((token.Text, labels, from, to));
                index = close;
                continue;
            }

            if (Keywords.Contains(token.Text))
            {
                continue;
            }

            if (next is { Kind: TokenKind.Punctuation, Text: "(" } || next is { Kind: TokenKind.Identifier, Text: "by" or "without" })
            {
                continue; // a function or an aggregation
            }

            if (next is { Kind: TokenKind.Punctuation, Text: "{" })
            {
                selectors.Add((index, new PromQlSelector(token.Text, ReadMatchers(tokens, index + 2, partners[index + 1]))));
                index = partners[index + 1];
                continue;
            }

            selectors.Add((index, new PromQlSelector(token.Text, [])));
        }

        var scoped = groupings
            .Select(grouping => new PromQlGrouping(
                grouping.Keyword,
                grouping.Labels,
                selectors.Where(selector => selector.Index >= grouping.From && selector.Index <= grouping.To)
                    .Select(selector => selector.Selector.Metric).Distinct(StringComparer.Ordinal).ToList()))
            .ToList();
        return new PromQlQuery(text, [.. selectors.Select(selector => selector.Selector)], scoped);
    }

    /// <summary>
    /// The tokens a grouping's labels apply to: an aggregation's argument (<c>sum by (a) (x)</c> or
    /// <c>sum (x) by (a)</c>); for a vector matching clause (on, ignoring, group_*), the whole query.
    /// </summary>
    private static (int From, int To) Scope(List<Token> tokens, int[] partners, string keyword, int keywordIndex, int labelsClose)
    {
        if (keyword is "by" or "without")
        {
            if (keywordIndex > 0 && tokens[keywordIndex - 1] is { Kind: TokenKind.Punctuation, Text: ")" })
            {
                return (partners[keywordIndex - 1], keywordIndex - 1);
            }

            if (labelsClose + 1 < tokens.Count && tokens[labelsClose + 1] is { Kind: TokenKind.Punctuation, Text: "(" })
            {
                return (labelsClose + 1, partners[labelsClose + 1]);
            }

            throw new FormatException($"`{keyword} (...)` at {tokens[keywordIndex].Position} aggregates nothing");
        }

        return (0, tokens.Count - 1);
    }

    /// <summary>The matchers between a selector's braces: items of label, operator, quoted value; anything else is skipped.</summary>
    private static List<PromQlMatcher> ReadMatchers(List<Token> tokens, int from, int close)
    {
        var matchers = new List<PromQlMatcher>();
        var item = new List<Token>();
        for (var index = from; index <= close; index++)
        {
            if (index == close || tokens[index] is { Kind: TokenKind.Punctuation, Text: "," })
            {
                if (item is [{ Kind: TokenKind.Identifier or TokenKind.String } label, { Kind: TokenKind.Operator } op, { Kind: TokenKind.String } value]
                    && op.Text is "=" or "!=" or "=~" or "!~")
                {
                    var name = label.Kind == TokenKind.String ? Unquote(label.Text) : label.Text;
                    matchers.Add(new PromQlMatcher(name, op.Text, Unquote(value.Text)));
                }

                item.Clear();
                continue;
            }

            item.Add(tokens[index]);
        }

        return matchers;
    }

    private static string Unquote(string quoted)
    {
        var body = quoted[1..^1];
        if (quoted[0] == '`')
        {
            return body;
        }

        var text = new StringBuilder(body.Length);
        for (var index = 0; index < body.Length; index++)
        {
            if (body[index] == '\\' && index + 1 < body.Length)
            {
                index++;
                text.Append(body[index] switch { 'n' => '\n', 't' => '\t', var other => other });
                continue;
            }

            text.Append(body[index]);
        }

        return text.ToString();
    }

    /// <summary>For each bracket token the index of its partner; throws when they do not pair up.</summary>
    private static int[] MatchDelimiters(string text, List<Token> tokens)
    {
        var partners = new int[tokens.Count];
        var open = new Stack<int>();
        for (var index = 0; index < tokens.Count; index++)
        {
            var token = tokens[index];
            if (token.Kind != TokenKind.Punctuation || token.Text == ",")
            {
                continue;
            }

            if (token.Text is "(" or "{" or "[")
            {
                open.Push(index);
                continue;
            }

            var expected = token.Text switch { ")" => "(", "}" => "{", _ => "[" };
            if (open.Count == 0 || tokens[open.Peek()].Text != expected)
            {
                throw new FormatException($"`{token.Text}` at {token.Position} closes nothing that is open in: {text}");
            }

            var opening = open.Pop();
            partners[opening] = index;
            partners[index] = opening;
        }

        if (open.Count > 0)
        {
            var unclosed = tokens[open.Peek()];
            throw new FormatException($"`{unclosed.Text}` at {unclosed.Position} is never closed in: {text}");
        }

        return partners;
    }

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var index = 0;
        while (index < text.Length)
        {
            var c = text[index];
            var start = index;
            if (char.IsWhiteSpace(c))
            {
                index++;
            }
            else if (c == '#')
            {
                while (index < text.Length && text[index] != '\n')
                {
                    index++;
                }
            }
            else if (c is '"' or '\'' or '`')
            {
                index++;
                while (index < text.Length && text[index] != c)
                {
                    index += text[index] == '\\' && c != '`' ? 2 : 1;
                }

                if (index >= text.Length)
                {
                    throw new FormatException($"the string at {start} is never closed in: {text}");
                }

                index++;
                tokens.Add(new Token(TokenKind.String, text[start..index], start));
            }
            else if (char.IsAsciiLetter(c) || c is '_' or ':')
            {
                while (index < text.Length && (char.IsAsciiLetterOrDigit(text[index]) || text[index] is '_' or ':'))
                {
                    index++;
                }

                tokens.Add(new Token(TokenKind.Identifier, text[start..index], start));
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && index + 1 < text.Length && char.IsAsciiDigit(text[index + 1])))
            {
                // Numbers and durations: 0.99, 5m, 1h30m.
                while (index < text.Length && (char.IsAsciiLetterOrDigit(text[index]) || text[index] is '.' or '_'))
                {
                    index++;
                }

                tokens.Add(new Token(TokenKind.Number, text[start..index], start));
            }
            else if (c == '$')
            {
                // A Grafana variable: $name, ${name} or ${name:format}.
                index++;
                if (index < text.Length && text[index] == '{')
                {
                    var end = text.IndexOf('}', index);
                    index = end < 0 ? throw new FormatException($"the variable at {start} is never closed in: {text}") : end + 1;
                }
                else
                {
                    while (index < text.Length && (char.IsAsciiLetterOrDigit(text[index]) || text[index] == '_'))
                    {
                        index++;
                    }
                }

                tokens.Add(new Token(TokenKind.Variable, text[start..index], start));
            }
            else if (c is '(' or ')' or '{' or '}' or '[' or ']' or ',')
            {
                index++;
                tokens.Add(new Token(TokenKind.Punctuation, c.ToString(), start));
            }
            else if ("+-*/%^=!<>~@".Contains(c, StringComparison.Ordinal))
            {
                while (index < text.Length && "+-*/%^=!<>~@".Contains(text[index], StringComparison.Ordinal))
                {
                    index++;
                }

                tokens.Add(new Token(TokenKind.Operator, text[start..index], start));
            }
            else
            {
                throw new FormatException($"unexpected `{c}` at {start} in: {text}");
            }
        }

        return tokens;
    }

    private enum TokenKind
    {
        Identifier,
        String,
        Number,
        Variable,
        Punctuation,
        Operator,
    }

    private sealed record Token(TokenKind Kind, string Text, int Position);
}

/// <summary>One series selector: a metric and its label matchers.</summary>
public sealed record PromQlSelector(string Metric, IReadOnlyList<PromQlMatcher> Matchers)
{
    public override string ToString() => $"{Metric}{{{string.Join(", ", Matchers)}}}";
}

/// <summary>One label matcher: <c>label op "value"</c>.</summary>
public sealed record PromQlMatcher(string Label, string Operator, string Value)
{
    public override string ToString() => $"{Label}{Operator}\"{Value}\"";
}

/// <summary>A label list (by, without, on, ...) and the metrics its labels must exist on.</summary>
public sealed record PromQlGrouping(string Keyword, IReadOnlyList<string> Labels, IReadOnlyList<string> Metrics);
