using System.Text.Json;
using Mesh.Container.Tests.Support;

namespace Mesh.Container.Tests;

/// <summary>
/// services/Dockerfile's shape, read as text (no engine needed): one Dockerfile whose SERVICE build
/// argument picks the service; a build stage whose instructions before that argument are the same for
/// every service, so the restore and shared-library layers are cached once for all three images; and a
/// final stage that never runs a command, so it works on a shell-less (chiseled) runtime image too.
/// </summary>
public sealed class DockerfileTests
{
    /// <summary>The fixed name the entrypoint starts: a link to the service's own assembly.</summary>
    private const string EntryDll = "service.dll";

    /// <summary>The three services.</summary>
    public static TheoryData<string> Services() => [.. ServiceImage.All.Select(service => service.Name)];

    [Fact]
    public void Dockerfile_Stages_AreSourcesBuildAndFinal()
    {
        var stages = Stage.Parse(DockerfileInstruction.Parse(RepositoryPaths.Dockerfile));

        Assert.Equal(["sources", "build", "final"], stages.Select(stage => stage.Name));
        // The sources stage only lays files out: nothing in it runs, so it needs no base image.
        Assert.Equal("scratch", stages[0].Base);
        Assert.All(stages[0].Instructions, instruction => Assert.Equal("COPY", instruction.Keyword));
    }

    [Fact]
    public void BuildStage_EveryService_SharesEveryInstructionBeforeItsOwnSources()
    {
        var build = Stage.Parse(DockerfileInstruction.Parse(RepositoryPaths.Dockerfile)).Single(stage => stage.Name == "build").Instructions;
        var prefixes = ServiceImage.All.ToDictionary(service => service.Name, service =>
        {
            var instructions = build.Select(instruction => instruction.For(service)).ToList();
            var own = $"--from=sources /{service.Name}/ ./";
            var ownSources = instructions.FindIndex(instruction => instruction.Keyword == "COPY" && instruction.Arguments == own);
            Assert.True(ownSources > 0, $"the build stage has no `COPY {own}` for {service.Name}");
            // A build argument declared earlier would be part of every later RUN's cache key.
            Assert.Equal(new DockerfileInstruction("ARG", "SERVICE"), instructions[ownSources - 1]);
            return instructions.Take(ownSources - 1).Select(instruction => instruction.ToString()).ToList();
        });

        Assert.Contains(prefixes[ServiceImage.Users.Name], instruction => instruction.StartsWith("RUN ", StringComparison.Ordinal) && instruction.Contains("dotnet restore", StringComparison.Ordinal));
        Assert.Contains(prefixes[ServiceImage.Users.Name], instruction => instruction.StartsWith("RUN ", StringComparison.Ordinal) && instruction.Contains("dotnet build services/Mesh.ServiceDefaults/", StringComparison.Ordinal));
        Assert.All(prefixes[ServiceImage.Users.Name], instruction => Assert.DoesNotContain("SERVICE", instruction, StringComparison.Ordinal));
        Assert.Equal(prefixes[ServiceImage.Users.Name], prefixes[ServiceImage.Inventory.Name]);
        Assert.Equal(prefixes[ServiceImage.Users.Name], prefixes[ServiceImage.Orders.Name]);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void SourcesStage_EachService_LaysOutExactlyItsOwnProjectUnderItsName(string name)
    {
        var service = ServiceImage.Named(name);
        var sources = Stage.Parse(DockerfileInstruction.Parse(RepositoryPaths.Dockerfile)).Single(stage => stage.Name == "sources").Instructions;

        // Copied into the build stage at /src, this is services/<Project>/ where restore left its project file.
        var copies = sources.Where(instruction => instruction.Arguments.EndsWith($" /{name}/services/{service.Project}/", StringComparison.Ordinal));
        Assert.Equal($"services/{service.Project}/ /{name}/services/{service.Project}/", Assert.Single(copies).Arguments);
        Assert.Single(sources, instruction => instruction.Arguments.Split(' ')[^1].StartsWith($"/{name}/", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void BuildStage_EachService_PublishesItsProjectReadyToRunAndLinksTheEntryDll(string name)
    {
        var service = ServiceImage.Named(name);
        var build = Stage.Parse(DockerfileInstruction.Parse(RepositoryPaths.Dockerfile)).Single(stage => stage.Name == "build").Instructions;

        var publish = build.Single(instruction => instruction.Keyword == "RUN" && instruction.Arguments.Contains("dotnet publish", StringComparison.Ordinal)).Arguments;

        Assert.Contains($"{name}) project={service.Project} ;;", publish, StringComparison.Ordinal);
        Assert.Contains("-p:PublishReadyToRun=true", publish, StringComparison.Ordinal);
        Assert.Contains("-o /app", publish, StringComparison.Ordinal);
        Assert.Contains($"ln -s \"$project.dll\" /app/{EntryDll}", publish, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void FinalStage_EachService_RunsNoCommandAndStartsDllAsAppUser(string name)
    {
        var service = ServiceImage.Named(name);
        var stages = Stage.Parse(DockerfileInstruction.Parse(RepositoryPaths.Dockerfile));

        var final = stages[^1].Instructions.Select(instruction => instruction.For(service)).ToList();
        var keywords = final.Select(instruction => instruction.Keyword).ToList();
        var entrypoint = final.Single(instruction => instruction.Keyword == "ENTRYPOINT").Arguments;

        Assert.Equal("final", stages[^1].Name);
        Assert.DoesNotContain("RUN", keywords);
        Assert.DoesNotContain("HEALTHCHECK", keywords);
        Assert.DoesNotContain("SHELL", keywords);
        Assert.DoesNotContain("CMD", keywords);
        Assert.Equal(["dotnet", EntryDll], JsonSerializer.Deserialize<string[]>(entrypoint) ?? []); // exec form: no /bin/sh -c
        Assert.Contains(final, instruction => instruction.Keyword == "USER" && instruction.Arguments is "$APP_UID" or MeshContainers.AppUid);
        Assert.Contains(final, instruction => instruction.Keyword == "EXPOSE" && instruction.Arguments == "8080 8081 9464");
        Assert.Contains(new DockerfileInstruction("ENV", "Mesh__Http__Urls=http://+:8081 Mesh__Metrics__Urls=http://+:9464"), final);
        Assert.Contains(new DockerfileInstruction("ENV", $"Mesh__Storage__Path=/data/{name}.db"), final);
    }

    /// <summary>One stage: its name (after AS), its base image and its instructions after FROM.</summary>
    private sealed record Stage(string Name, string Base, IReadOnlyList<DockerfileInstruction> Instructions)
    {
        public static IReadOnlyList<Stage> Parse(IReadOnlyList<DockerfileInstruction> instructions)
        {
            var stages = new List<Stage>();
            for (var index = 0; index < instructions.Count; index++)
            {
                if (instructions[index].Keyword != "FROM")
                {
                    continue;
                }

                var words = instructions[index].Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    .Where(word => !word.StartsWith("--", StringComparison.Ordinal)).ToList();
                var end = instructions.Skip(index + 1).ToList().FindIndex(instruction => instruction.Keyword == "FROM");
                var body = instructions.Skip(index + 1).Take(end < 0 ? int.MaxValue : end).ToList();
                var isNamed = words.Count == 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase);
                stages.Add(new Stage(isNamed ? words[2] : "", words[0], body));
            }

            return stages;
        }
    }
}
