using Footfall.Ingest;
using Microsoft.Extensions.Logging;

namespace Footfall.Storage.DuckDb;

public sealed partial class DuckDbEventStore
{
    /// <summary>
    /// Rejected events kept before they carried their identifiers get them from their raw body, once, so erasure can
    /// match them exactly like newer ones (identifiers that came in headers were not kept and cannot be recovered).
    /// </summary>
    private void BackfillQuarantineIdentifiers()
    {
        var rows = new List<(long RowId, List<string> Keys)>();
        using (var reader = Query(_writeConnection, "SELECT rowid, source, raw FROM rejected WHERE idents IS NULL"))
        {
            while (reader.Read())
                rows.Add((reader.GetInt64(0), QuarantineIdentifiers.FromBody(reader.GetString(1), reader.GetString(2)).Select(i => i.Key).ToList()));
        }
        if (rows.Count == 0)
            return;
        using var transaction = _writeConnection.BeginTransaction();
        foreach (var (rowId, keys) in rows)
            Execute(_writeConnection, "UPDATE rejected SET idents = $k WHERE rowid = $r", ("k", keys), ("r", rowId));
        transaction.Commit();
        _logger.LogInformation("Extracted the identifiers of {Count} rejected events kept by an earlier version", rows.Count);
    }
}
