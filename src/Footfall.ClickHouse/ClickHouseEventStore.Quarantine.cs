using System.Text;
using Footfall.Ingest;
using Microsoft.Extensions.Logging;
using static Footfall.ClickHouse.ClickHouseSql;

namespace Footfall.ClickHouse;

public sealed partial class ClickHouseEventStore
{
    /// <summary>
    /// Rejected events kept before they carried their identifiers get them from their raw body, once, so erasure can
    /// match them exactly like newer ones. An UPDATE mutation would write the identifiers into the mutation's text, so
    /// each such row is stored again with its identifiers and the old one deleted by its <c>ord</c>, a number.
    /// Rows whose body names nobody are left as they are.
    /// </summary>
    private async Task BackfillQuarantineIdentifiersAsync(CancellationToken cancellationToken)
    {
        var copies = new StringBuilder();
        var ords = new List<string>();
        foreach (var r in await _http.QueryAsync("SELECT project, time_ms, source, error, raw, ord FROM rejected WHERE empty(idents)", cancellationToken))
        {
            var identifiers = QuarantineIdentifiers.FromBody(r[2]!, r[4]!);
            if (identifiers.Count == 0)
                continue;
            AppendRow(copies, r[0], r[1], r[2], r[3], r[4], r[5], "[" + string.Join(",", identifiers.Select(i => Quote(i.Key))) + "]");
            ords.Add(r[5]!);
        }
        if (ords.Count == 0)
            return;
        await _http.InsertAsync("rejected", "project, time_ms, source, error, raw, ord, idents", copies, cancellationToken);
        await _shards.ExecuteAsync(_ddl.Delete("rejected", $"empty(idents) AND ord IN ({string.Join(", ", ords)})"), cancellationToken);
        await WaitForMutationsAsync(cancellationToken);
        _logger.LogInformation("Extracted the identifiers of {Count} rejected events kept by an earlier version", ords.Count);
    }
}
