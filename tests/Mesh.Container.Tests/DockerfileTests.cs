using System.Text.Json;
using Mesh.Container.Tests.Support;

namespace Mesh.Container.Tests;

/// <summary>
/// The Dockerfiles' shape, read as text (no engine needed): a shared prefix, so the restore and
/// shared-library layers are cached once for all three images, and a final stage that never runs a
/// command, so it works on a shell-less (chiseled) runtime image too.
/// </summary>
public sealed class DockerfileTests
{
    /// <summary>The three services.</summary>
    public static TheoryData<string> Services() => [.. ServiceImage.All.Select(service => service.Name)];

    [Fact]
    public void BuildStage_AllThreeDockerfiles_ShareEveryInstructionBeforeTheirOwnSources()
    {
        var prefixes = ServiceImage.All.ToDictionary(service => service.Name, service =>
        {
            var instructions = DockerfileInstruction.Parse(RepositoryPaths.DockerfileOf(service));
            var own = $"services/{service.Project}/ services/{service.Project}/";
            var ownSources = instructions.ToList().FindIndex(instruction => instruction.Keyword == "COPY" && instruction.Arguments == own);
            Assert.True(ownSources > 0, $"{service.Project}/Dockerfile has no `COPY {own}`");
            return instructions.Take(ownSources).Select(instruction => instruction.ToString()).ToList();
        });

        Assert.Contains(prefixes[ServiceImage.Users.Name], instruction => instruction.StartsWith("RUN ", StringComparison.Ordinal) && instruction.Contains("dotnet restore", StringComparison.Ordinal));
        Assert.Equal(prefixes[ServiceImage.Users.Name], prefixes[ServiceImage.Inventory.Name]);
        Assert.Equal(prefixes[ServiceImage.Users.Name], prefixes[ServiceImage.Orders.Name]);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void FinalStage_EachDockerfile_RunsNoCommandAndStartsDllAsAppUser(string name)
    {
        var service = ServiceImage.Named(name);
        var instructions = DockerfileInstruction.Parse(RepositoryPaths.DockerfileOf(service)).ToList();
        var stages = instructions.Count(instruction => instruction.Keyword == "FROM");

        var final = instructions.Skip(instructions.FindLastIndex(instruction => instruction.Keyword == "FROM")).ToList();
        var keywords = final.Select(instruction => instruction.Keyword).ToList();
        var entrypoint = final.Single(instruction => instruction.Keyword == "ENTRYPOINT").Arguments;

        Assert.Equal(2, stages);
        Assert.DoesNotContain("RUN", keywords);
        Assert.DoesNotContain("HEALTHCHECK", keywords);
        Assert.DoesNotContain("SHELL", keywords);
        Assert.DoesNotContain("CMD", keywords);
        Assert.Equal(["dotnet", $"{service.Project}.dll"], JsonSerializer.Deserialize<string[]>(entrypoint) ?? []); // exec form: no /bin/sh -c
        Assert.Contains(final, instruction => instruction.Keyword == "USER" && instruction.Arguments is "$APP_UID" or MeshContainers.AppUid);
        Assert.Contains(final, instruction => instruction.Keyword == "EXPOSE" && instruction.Arguments == "8080");
    }
}
