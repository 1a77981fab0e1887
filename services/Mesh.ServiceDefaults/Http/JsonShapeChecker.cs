using System.Globalization;
using System.Text.Json;
using Google.Protobuf.Reflection;
using Mesh.ServiceDefaults.Validation;

namespace Mesh.ServiceDefaults.Http;

/// <summary>
/// Checks a REST request's JSON against the method's request message before transcoding parses it,
/// so every problem names its field (transcoding's own parser says only that the payload is
/// malformed). Unknown fields are refused rather than ignored: a misspelt optional field in an
/// update would otherwise succeed and change nothing, and the caller would never know.
/// Field paths use the proto names, as the validators' BadRequest violations do.
/// </summary>
public static class JsonShapeChecker
{
    /// <summary>Adds a violation for every unknown or mistyped field of <paramref name="body"/>.</summary>
    public static void CheckBody(JsonElement body, MessageDescriptor message, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(errors);
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add("body", $"must be a JSON object ({message.Name})");
            return;
        }

        CheckObject(body, message, prefix: "", errors);
    }

    /// <summary>
    /// Adds a violation when a query parameter that names a field (<c>page.page_size</c> or
    /// <c>page.pageSize</c>) has a value of the wrong type. Other parameters are left alone.
    /// </summary>
    public static void CheckQuery(string key, IEnumerable<string?> values, MessageDescriptor message, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(errors);
        var descriptor = message;
        FieldDescriptor? field = null;
        var path = new List<string>();
        foreach (var part in key.Split('.'))
        {
            if (descriptor is null || Find(descriptor, part) is not { } found)
            {
                return;
            }

            field = found;
            path.Add(found.Name);
            descriptor = found.FieldType == FieldType.Message ? found.MessageType : null;
        }

        if (field is null)
        {
            return;
        }

        foreach (var value in values)
        {
            if (ScalarProblem(field, value) is { } problem)
            {
                errors.Add(string.Join('.', path), problem);
                return;
            }
        }
    }

    private static void CheckObject(JsonElement element, MessageDescriptor message, string prefix, FieldErrors errors)
    {
        foreach (var property in element.EnumerateObject())
        {
            var field = Find(message, property.Name);
            if (field is null)
            {
                errors.Add(prefix + property.Name, $"unknown field: {message.FullName} has no field '{property.Name}'");
                continue;
            }

            CheckField(property.Value, field, prefix + field.Name, errors);
        }
    }

    private static void CheckField(JsonElement value, FieldDescriptor field, string path, FieldErrors errors)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return; // proto3 JSON: null means the default value.
        }

        if (field.IsMap)
        {
            if (value.ValueKind != JsonValueKind.Object)
            {
                errors.Add(path, "must be a JSON object");
                return;
            }

            var valueField = field.MessageType.FindFieldByNumber(2);
            foreach (var entry in value.EnumerateObject())
            {
                CheckSingle(entry.Value, valueField, $"{path}[{entry.Name}]", errors);
            }

            return;
        }

        if (field.IsRepeated)
        {
            if (value.ValueKind != JsonValueKind.Array)
            {
                errors.Add(path, "must be a JSON array");
                return;
            }

            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                CheckSingle(item, field, $"{path}[{index++}]", errors);
            }

            return;
        }

        CheckSingle(value, field, path, errors);
    }

    private static void CheckSingle(JsonElement value, FieldDescriptor field, string path, FieldErrors errors)
    {
        if (field.FieldType == FieldType.Message)
        {
            if (IsStringEncoded(field.MessageType))
            {
                if (value.ValueKind != JsonValueKind.String)
                {
                    errors.Add(path, $"must be a JSON string ({field.MessageType.Name})");
                }
            }
            else if (IsWrapper(field.MessageType))
            {
                CheckSingle(value, field.MessageType.FindFieldByNumber(1), path, errors);
            }
            else if (!IsFreeForm(field.MessageType))
            {
                if (value.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(path, $"must be a JSON object ({field.MessageType.Name})");
                    return;
                }

                CheckObject(value, field.MessageType, path + ".", errors);
            }

            return;
        }

        var problem = value.ValueKind switch
        {
            JsonValueKind.String => ScalarProblem(field, value.GetString()),
            JsonValueKind.Number => NumberProblem(field, value),
            JsonValueKind.True or JsonValueKind.False => field.FieldType == FieldType.Bool ? null : Expected(field),
            _ => Expected(field),
        };
        if (problem is not null)
        {
            errors.Add(path, problem);
        }
    }

    // A scalar given as a JSON string (also every query parameter value): proto3 JSON allows
    // strings for all numbers, and enums by name.
    private static string? ScalarProblem(FieldDescriptor field, string? text)
    {
        text ??= "";
        var invariant = CultureInfo.InvariantCulture;
        return field.FieldType switch
        {
            FieldType.String or FieldType.Bytes => null,
            FieldType.Bool => text is "true" or "false" ? null : "must be true or false",
            FieldType.Enum => field.EnumType.FindValueByName(text) is not null
                || (int.TryParse(text, NumberStyles.AllowLeadingSign, invariant, out var number) && field.EnumType.FindValueByNumber(number) is not null)
                ? null
                : $"must be one of {string.Join(", ", field.EnumType.Values.Select(v => v.Name))}",
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 =>
                int.TryParse(text, NumberStyles.AllowLeadingSign, invariant, out _) ? null : "must be a 32-bit integer",
            FieldType.UInt32 or FieldType.Fixed32 =>
                uint.TryParse(text, NumberStyles.None, invariant, out _) ? null : "must be an unsigned 32-bit integer",
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 =>
                long.TryParse(text, NumberStyles.AllowLeadingSign, invariant, out _) ? null : "must be a 64-bit integer",
            FieldType.UInt64 or FieldType.Fixed64 =>
                ulong.TryParse(text, NumberStyles.None, invariant, out _) ? null : "must be an unsigned 64-bit integer",
            FieldType.Double or FieldType.Float =>
                text is "NaN" or "Infinity" or "-Infinity" || double.TryParse(text, NumberStyles.Float, invariant, out _) ? null : "must be a number",
            _ => Expected(field),
        };
    }

    private static string? NumberProblem(FieldDescriptor field, JsonElement value) => field.FieldType switch
    {
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => value.TryGetInt32(out _) ? null : "must be a 32-bit integer",
        FieldType.UInt32 or FieldType.Fixed32 => value.TryGetUInt32(out _) ? null : "must be an unsigned 32-bit integer",
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => value.TryGetInt64(out _) ? null : "must be a 64-bit integer",
        FieldType.UInt64 or FieldType.Fixed64 => value.TryGetUInt64(out _) ? null : "must be an unsigned 64-bit integer",
        FieldType.Double or FieldType.Float => null,
        FieldType.Enum => value.TryGetInt32(out var number) && field.EnumType.FindValueByNumber(number) is not null
            ? null
            : $"must be one of {string.Join(", ", field.EnumType.Values.Select(v => v.Name))}",
        _ => Expected(field),
    };

    private static string Expected(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.String => "must be a JSON string",
        FieldType.Bytes => "must be a base64 JSON string",
        FieldType.Bool => "must be true or false",
        FieldType.Enum => $"must be one of {string.Join(", ", field.EnumType.Values.Select(v => v.Name))}",
        FieldType.Double or FieldType.Float => "must be a number",
        _ => "must be an integer",
    };

    private static FieldDescriptor? Find(MessageDescriptor message, string name) =>
        message.FindFieldByName(name) ?? message.Fields.InDeclarationOrder().FirstOrDefault(field => field.JsonName == name);

    private static bool IsStringEncoded(MessageDescriptor message) =>
        message.FullName is "google.protobuf.Timestamp" or "google.protobuf.Duration" or "google.protobuf.FieldMask";

    private static bool IsWrapper(MessageDescriptor message) =>
        message.File.Name == "google/protobuf/wrappers.proto";

    private static bool IsFreeForm(MessageDescriptor message) =>
        message.FullName is "google.protobuf.Struct" or "google.protobuf.Value" or "google.protobuf.ListValue" or "google.protobuf.Any" or "google.protobuf.Empty";
}
