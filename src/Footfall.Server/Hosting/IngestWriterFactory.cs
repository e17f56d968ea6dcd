using Footfall.Ingest;
using Footfall.Storage;
using Microsoft.Extensions.Options;

namespace Footfall.Server.Hosting;

/// <summary>
/// Chooses how ingest acknowledges: on the node's durable log when the store can be fed by the log's applier (both
/// stores), otherwise through group commit into the store (a store that is no <see cref="ILogSink"/>).
/// </summary>
public static class IngestWriterFactory
{
    /// <summary>Creates the writer for the configured store.</summary>
    public static IIngestWriter Create(IServiceProvider services)
    {
        var store = services.GetRequiredService<IEventStore>();
        var ingest = services.GetRequiredService<IOptions<IngestOptions>>().Value;
        var loggers = services.GetRequiredService<ILoggerFactory>();
        if (store is not ILogSink sink || store is DeadlineEventStore { IsLogSink: false })
            return new GroupCommitWriter(store, ingest, services.GetRequiredService<IOptions<StoreOptions>>().Value, loggers.CreateLogger<GroupCommitWriter>());
        var data = services.GetRequiredService<IOptions<FootfallOptions>>().Value.Data;
        return LogIngest.Open(data, store, sink, ingest, services.GetRequiredService<IOptions<LogIngestOptions>>().Value, loggers);
    }
}
