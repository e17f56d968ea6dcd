using System.Data.Common;
using System.Globalization;

namespace Footfall.ClickHouse;

/// <summary>
/// Where the ClickHouse store connects, parsed from a ClickHouse.Driver style connection string
/// (<c>Host=127.0.0.1;Port=8123;Username=default;Password=;Database=footfall;Protocol=http</c>). On a cluster,
/// <c>Nodes=host:port,host:port</c> names the HTTP address of each of its servers, for servers that do not serve HTTP
/// on <c>Port</c> at their <c>remote_servers</c> host name (see <see cref="ClickHouseShards"/>).
/// </summary>
public sealed record ClickHouseSettings(Uri Endpoint, string Username, string Password, string Database)
{
    /// <summary>The cluster's servers' HTTP addresses, when given (<c>Nodes</c>); empty otherwise.</summary>
    public IReadOnlyList<Uri> Nodes { get; init; } = [];

    /// <summary>Parses a connection string; throws with a message naming the bad part.</summary>
    public static ClickHouseSettings Parse(string connectionString)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        string Get(string key, string fallback) => builder.TryGetValue(key, out var v) && v?.ToString() is { Length: > 0 } s ? s : fallback;
        var host = Get("Host", "127.0.0.1");
        var portText = Get("Port", "8123");
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new ArgumentException($"ClickHouse connection string: Port '{portText}' is not a port number");
        var protocol = Get("Protocol", "http");
        if (protocol is not ("http" or "https"))
            throw new ArgumentException($"ClickHouse connection string: Protocol must be http or https, not '{protocol}'");
        var database = Get("Database", "footfall");
        // The name is spliced into DDL (CREATE DATABASE takes no parameters), so it must be a plain identifier.
        if (!database.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            throw new ArgumentException($"ClickHouse connection string: Database '{database}' must be letters, digits and _");
        var nodes = Get("Nodes", "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(node => Uri.TryCreate($"{protocol}://{node}/", UriKind.Absolute, out var uri) && uri.AbsolutePath == "/" && node.Contains(':', StringComparison.Ordinal)
                ? uri
                : throw new ArgumentException($"ClickHouse connection string: Nodes entry '{node}' is not host:port"))
            .ToList();
        return new ClickHouseSettings(new Uri($"{protocol}://{host}:{port}/"), Get(builder.ContainsKey("Username") ? "Username" : "User", "default"),
            Get("Password", ""), database) { Nodes = nodes };
    }
}
