using System.Globalization;
using Dapper;

namespace Mesh.Orders.Storage;

/// <summary>
/// The values of an <c>IN (…)</c> list as one named parameter each. Dapper's own <c>IN @list</c>
/// sends the whole list to PostgreSQL as one array parameter, which <c>IN</c> cannot take.
/// </summary>
internal static class SqlLists
{
    /// <summary>The list's text (<c>@o0, @o1, …</c>) and its parameters.</summary>
    public static (string List, DynamicParameters Parameters) In(string prefix, IEnumerable<string> values)
    {
        var parameters = new DynamicParameters();
        var names = values.Select((value, i) =>
        {
            var name = prefix + i.ToString(CultureInfo.InvariantCulture);
            parameters.Add(name, value);
            return "@" + name;
        }).ToList();
        return (string.Join(", ", names), parameters);
    }
}
