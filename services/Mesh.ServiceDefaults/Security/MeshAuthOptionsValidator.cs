using Microsoft.Extensions.Options;

namespace Mesh.ServiceDefaults.Security;

/// <summary>Refuses to start with access control on but no way to check a token, naming each missing setting.</summary>
internal sealed class MeshAuthOptionsValidator : IValidateOptions<MeshAuthOptions>
{
    public ValidateOptionsResult Validate(string? name, MeshAuthOptions options)
    {
        var problems = Find(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    public static List<string> Find(MeshAuthOptions options)
    {
        var problems = new List<string>();
        if (!options.Enabled)
        {
            return problems;
        }

        Check(options.People, "People", problems);
        Check(options.Services, "Services", problems);
        if (options.People.Audience is not null && options.People.Audience == options.Services.Audience)
        {
            problems.Add("Mesh:Auth:People:Audience and Mesh:Auth:Services:Audience must differ: the audience tells a person's token from a service's");
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > MeshAuthOptions.MaxClockSkew)
        {
            problems.Add($"Mesh:Auth:ClockSkew must be between 0 and {MeshAuthOptions.MaxClockSkew}");
        }

        if (options.ValidationCacheDuration < TimeSpan.Zero || options.ValidationCacheSize < 1)
        {
            problems.Add("Mesh:Auth:ValidationCacheDuration must be zero or more and Mesh:Auth:ValidationCacheSize at least 1");
        }

        foreach (var (service, subject) in options.ServiceSubjects)
        {
            if (string.IsNullOrWhiteSpace(subject))
            {
                problems.Add($"Mesh:Auth:ServiceSubjects:{service} is empty");
            }
        }

        return problems;
    }

    private static void Check(TokenIssuerOptions issuer, string kind, List<string> problems)
    {
        var section = $"Mesh:Auth:{kind}";
        if (string.IsNullOrWhiteSpace(issuer.Issuer))
        {
            problems.Add($"{section}:Issuer is required (the iss its tokens carry)");
        }

        if (string.IsNullOrWhiteSpace(issuer.Audience))
        {
            problems.Add($"{section}:Audience is required (the aud its tokens must include)");
        }

        if (issuer.KeySource is null)
        {
            problems.Add($"{section} needs a key source: Authority (OIDC discovery), JwksUrl or KeyFile");
        }

        // The key cache's own lower bounds: it refuses shorter intervals.
        if (issuer.KeyRefreshInterval < TimeSpan.FromMinutes(5))
        {
            problems.Add($"{section}:KeyRefreshInterval must be at least 5 minutes");
        }

        if (issuer.UnknownKeyRefreshInterval < TimeSpan.FromSeconds(1))
        {
            problems.Add($"{section}:UnknownKeyRefreshInterval must be at least 1 second");
        }
    }
}
