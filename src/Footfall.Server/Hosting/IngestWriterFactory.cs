using Footfall.Ingest;
using Footfall.Storage;
using Footfall.Storage.Deadlines;
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
        var committer = services.GetRequiredService<IEventCommitter>();
        var ingest = services.GetRequiredService<IOptions<IngestOptions>>().Value;
        var loggers = services.GetRequiredService<ILoggerFactory>();
        if (services.GetRequiredService<IEventStore>() is not ILogSink sink)
            return new GroupCommitWriter(committer, ingest, services.GetRequiredService<IOptions<StoreOptions>>().Value, loggers.CreateLogger<GroupCommitWriter>());
        var data = services.GetRequiredService<IOptions<FootfallOptions>>().Value.Data;
        return LogIngest.Open(data, committer, new DeadlineLogSink(sink, services.GetRequiredService<StoreDeadline>()), ingest,
            services.GetRequiredService<IOptions<LogIngestOptions>>().Value, loggers);
    }
}
