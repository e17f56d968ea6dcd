using Footfall.Tests.Support;

namespace Footfall.Tests.Http;

/// <summary>
/// One real <c>footfall serve</c> process shared by a test class, for what only Kestrel does (it refuses a non-ASCII
/// response header where the in-process test server lets it through) and for the headers an operator's browser sees.
/// </summary>
public sealed class RealServerFixture : IAsyncLifetime
{
    private readonly TempFolder _data = new();
    private ServerProcess? _server;

    /// <summary>The running server.</summary>
    public ServerProcess Server => _server!;

    /// <summary>A client for the default project's reads.</summary>
    public HttpClient Reader()
    {
        var http = Server.Client();
        http.DefaultRequestHeaders.Authorization = new("Bearer", Server.DefaultProject().SecretKey);
        return http;
    }

    /// <inheritdoc />
    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync(_data.Path);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
        _data.Dispose();
    }
}
