using Footfall.Client;
using Footfall.Tests.Support;

namespace Footfall.Client.Tests.Support;

/// <summary>One real server process shared by the tests of <see cref="ServerCollection"/>; each test uses its own people.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private readonly TempFolder _data = new();

    /// <summary>The running server.</summary>
    public ServerProcess Server { get; private set; } = null!;

    /// <summary>The default project's public id.</summary>
    public string ProjectId { get; private set; } = "";

    /// <summary>The default project's secret key.</summary>
    public string SecretKey { get; private set; } = "";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Server = await ServerProcess.StartAsync(_data.Path);
        (ProjectId, SecretKey) = Server.DefaultProject();
    }

    /// <summary>Options for this server, with test-friendly (short) retry delays.</summary>
    public FootfallClientOptions Options(Action<FootfallClientOptions>? change = null) => ClientOptions.For(Server.Url, ProjectId, SecretKey, change);

    /// <summary>A read client with the secret key.</summary>
    public FootfallReadClient Reader() => new(new HttpClient(), Options());

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        _data.Dispose();
    }
}

/// <summary>Tests sharing one server process.</summary>
[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "server";
}

/// <summary>Client options as the tests want them.</summary>
public static class ClientOptions
{
    /// <summary>Options for <paramref name="url"/> with short retry delays, so an outage test ends soon after the server is back.</summary>
    public static FootfallClientOptions For(string url, string projectId, string? secretKey = null, Action<FootfallClientOptions>? change = null)
    {
        var options = new FootfallClientOptions
        {
            Host = url,
            ProjectId = projectId,
            SecretKey = secretKey,
            InitialRetryDelay = TimeSpan.FromMilliseconds(20),
            MaxRetryDelay = TimeSpan.FromMilliseconds(250),
            RequestTimeout = TimeSpan.FromSeconds(20),
        };
        change?.Invoke(options);
        return options;
    }
}
