using Google.Api;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Mesh.Contracts;

/// <summary>
/// The Mesh contracts as protoc described them with source info, so that comments in
/// protos/ survive into server reflection (generated C# descriptors drop them).
/// </summary>
public static class MeshDescriptors
{
    private static readonly Lazy<IReadOnlyList<FileDescriptor>> LazyFiles = new(Load);

    /// <summary>Every file of the descriptor set, imports first.</summary>
    public static IReadOnlyList<FileDescriptor> Files => LazyFiles.Value;

    /// <summary>Finds a service by its full name, e.g. <c>mesh.users.v1.UserService</c>.</summary>
    public static ServiceDescriptor? FindService(string fullName) =>
        Files.SelectMany(file => file.Services).FirstOrDefault(service => service.FullName == fullName);

    private static IReadOnlyList<FileDescriptor> Load()
    {
        using var stream = typeof(MeshDescriptors).Assembly.GetManifestResourceStream("mesh.protoset")
            ?? throw new InvalidOperationException("The mesh.protoset resource is missing from Mesh.Contracts.");
        var set = FileDescriptorSet.Parser.ParseFrom(stream);
        // protoc writes dependencies before dependents, which is the order BuildFromByteStrings needs.
        // The registry makes the google.api.http options (the REST bindings) and the access rules readable from GetOptions().
        return FileDescriptor.BuildFromByteStrings(set.File.Select(file => file.ToByteString()), new ExtensionRegistry { AnnotationsExtensions.Http, Mesh.Auth.V1.AccessExtensions.Access });
    }
}
