namespace Footfall.Storage;

/// <summary>
/// The store cannot serve this process any more, though what it acknowledged is safe on disk: DuckDB invalidates
/// its database after a failed checkpoint (a full disk) until the process reopens it. The server answers 503 and
/// stops with a non-zero exit code so that a supervisor restarts it; the restart recovers from the WAL.
/// </summary>
public sealed class StoreBrokenException(string message, Exception? inner = null) : Exception(message, inner);
