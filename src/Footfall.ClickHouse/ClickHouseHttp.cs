using System.Net.Http.Headers;
using System.Text;

namespace Footfall.ClickHouse;

/// <summary>
/// ClickHouse over its HTTP interface. ClickHouse.Driver 1.5.0 cannot read from 18.16 (typed reads and query
/// parameters fail there), and plain TabSeparated over HTTP is as fast as its binary inserts, so the store talks
/// HTTP itself: one code path that runs on 18.16 and on current servers alike.
/// </summary>
internal sealed class ClickHouseHttp : IDisposable
{
    private readonly HttpClient _http;
    private readonly ClickHouseSettings _settings;
    private readonly ClickHouseDdl _ddl;
    private const string MaxQuerySize = "&max_query_size=16777216";

    public ClickHouseHttp(ClickHouseSettings settings, ClickHouseDdl ddl)
    {
        _settings = settings;
        _ddl = ddl;
        _http = new HttpClient { BaseAddress = settings.Endpoint, Timeout = TimeSpan.FromMinutes(5) };
        _http.DefaultRequestHeaders.Add("X-ClickHouse-User", settings.Username);
        if (settings.Password.Length > 0)
            _http.DefaultRequestHeaders.Add("X-ClickHouse-Key", settings.Password);
    }

    /// <summary>
    /// Runs a statement in the store's database (or none, for CREATE DATABASE); an <c>INSERT ... SELECT</c> names its
    /// table in <paramref name="insertInto"/>, for the cluster's insert settings. Statements of one
    /// <paramref name="session"/> (<see cref="NewSession"/>) share its temporary tables. It goes to the store's server, or
    /// to another <paramref name="node"/> of its cluster (<see cref="ClickHouseShards"/>).
    /// </summary>
    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken, bool inDatabase = true, string? insertInto = null, string? session = null,
        Uri? node = null)
    {
        using var content = new StringContent(sql, Encoding.UTF8);
        // An INSERT ... SELECT may name a batch's identifiers (ClickHouseEventStore.Attributed.cs): the same limit as queries.
        await SendAsync(Url(null, inDatabase, session) + MaxQuerySize + (insertInto is null ? "" : _ddl.InsertSettings(insertInto)), content, cancellationToken, node);
    }

    /// <summary>Runs a query and returns its rows (TabSeparated, unescaped).</summary>
    public async Task<List<string?[]>> QueryAsync(string sql, CancellationToken cancellationToken, bool inDatabase = true, string? session = null, Uri? node = null)
    {
        using var content = new StringContent(sql + "\nFORMAT TabSeparated", Encoding.UTF8);
        // Key look-ups send a batch's keys in one IN list; 18.16's default limit (256 KiB) would split them.
        return TabSeparated.Parse(await SendAsync(Url(null, inDatabase, session) + MaxQuerySize, content, cancellationToken, node));
    }

    /// <summary>
    /// Runs a query and hands each row to <paramref name="onRow"/> as it arrives, for answers too large to hold as one
    /// text (an erasure's co-visit counts: 1.5M rows at 10M events). HttpClient's timeout ends at the headers here:
    /// callers pass a deadline (the store's reads run under StoreDeadline).
    /// </summary>
    public async Task QueryEachAsync(string sql, Action<string?[]> onRow, CancellationToken cancellationToken)
    {
        using var content = new StringContent(sql + "\nFORMAT TabSeparated", Encoding.UTF8);
        using var request = new HttpRequestMessage(HttpMethod.Post, Url(null) + MaxQuerySize) { Content = content };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw Refused(response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length > 0)
                onRow(TabSeparated.Row(line));
        }
    }

    /// <summary>
    /// A new session id: the statements sent with it run one at a time and share temporary tables (Memory tables of
    /// the ClickHouse server the store talks to), which ClickHouse drops when the session has been idle for
    /// <see cref="SessionTimeoutSeconds"/>, so a node that dies mid-read leaves nothing behind.
    /// </summary>
    public static string NewSession() => "footfall-" + Guid.NewGuid().ToString("N");

    private const int SessionTimeoutSeconds = 300;

    /// <summary>
    /// Inserts TabSeparated rows into <paramref name="table"/>'s listed columns; returns when ClickHouse has them.
    /// A <paramref name="queryId"/> names the insert in ClickHouse, so that it can be found (and killed) while it runs.
    /// </summary>
    public async Task InsertAsync(string table, string columns, StringBuilder rows, CancellationToken cancellationToken, string? queryId = null,
        string? session = null)
    {
        if (rows.Length == 0) return;
        using var content = new StringContent(rows.ToString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/tab-separated-values");
        var url = Url($"INSERT INTO {table} ({columns}) FORMAT TabSeparated", session: session) + _ddl.InsertSettings(table);
        await SendAsync(queryId is null ? url : url + "&query_id=" + Uri.EscapeDataString(queryId), content, cancellationToken);
    }

    // Without the database, for statements that run before it exists.
    private string Url(string? query, bool inDatabase = true, string? session = null) =>
        "/?database=" + (inDatabase ? Uri.EscapeDataString(_settings.Database) : "default") + _ddl.QuerySettings +
        (session is null ? "" : $"&session_id={session}&session_timeout={SessionTimeoutSeconds}") +
        (query is null ? "" : "&query=" + Uri.EscapeDataString(query));

    private async Task<string> SendAsync(string url, HttpContent content, CancellationToken cancellationToken, Uri? node = null)
    {
        using var response = await _http.PostAsync(node is null ? new Uri(url, UriKind.Relative) : new Uri(node, url), content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw Refused(response.StatusCode, text);
        return text;
    }

    private static ClickHouseException Refused(System.Net.HttpStatusCode status, string text) =>
        new($"ClickHouse answered {(int)status}: {text.Trim()}");

    public void Dispose() => _http.Dispose();
}

/// <summary>ClickHouse refused a statement; the message is ClickHouse's own.</summary>
public sealed class ClickHouseException(string message) : Exception(message);
