using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Footfall.Tests.Support;

/// <summary>
/// An HTTP pass-through in front of a real <see cref="ClickHouseServer"/> that can kill it (kill -9) at an exact
/// statement: before it reaches ClickHouse, or once ClickHouse has executed it but before its answer reaches the
/// client. Random kills under load mostly land in the slowest statement; this reaches every moment of a commit.
/// </summary>
public sealed class ClickHouseProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly ClickHouseServer _clickHouse;
    private (string Statement, bool AfterExecuting, TaskCompletionSource Fired)? _trap;

    private ClickHouseProxy(WebApplication app, ClickHouseServer clickHouse, int port)
    {
        _app = app;
        _clickHouse = clickHouse;
        Port = port;
        _upstream = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{clickHouse.HttpPort}") };
    }

    /// <summary>The port Footfall connects to instead of ClickHouse's.</summary>
    public int Port { get; }

    /// <summary>A connection string for a database, through the proxy.</summary>
    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Username=default;Database={database}";

    /// <summary>Starts the proxy on a free loopback port.</summary>
    public static async Task<ClickHouseProxy> StartAsync(ClickHouseServer clickHouse)
    {
        var port = ServerProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var proxy = new ClickHouseProxy(app, clickHouse, port);
        app.Run(proxy.ForwardAsync);
        await app.StartAsync();
        return proxy;
    }

    /// <summary>
    /// Kills ClickHouse at the next statement containing <paramref name="statement"/> (once); the returned task
    /// completes when it did.
    /// </summary>
    public Task KillAt(string statement, bool afterExecuting)
    {
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _trap = (statement, afterExecuting, fired);
        return fired.Task;
    }

    private async Task ForwardAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var statement = context.Request.Query["query"].ToString() + "\n" + System.Text.Encoding.UTF8.GetString(body.ToArray());
        var trap = _trap;
        var trapped = trap is { } t && statement.Contains(t.Statement, StringComparison.Ordinal);
        if (trapped)
            _trap = null;
        if (trapped && !trap!.Value.AfterExecuting)
        {
            Fire(context, trap.Value.Fired);
            return;
        }
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString)
        {
            Content = new ByteArrayContent(body.ToArray()),
        };
        foreach (var header in context.Request.Headers.Where(h => h.Key.StartsWith("X-ClickHouse", StringComparison.OrdinalIgnoreCase)))
            request.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
        HttpResponseMessage response;
        try
        {
            response = await _upstream.SendAsync(request);
        }
        catch (HttpRequestException)
        {
            // The statement never executed: the trap waits for the next one (an applier retries while ClickHouse restarts).
            if (trapped)
                _trap = trap;
            context.Abort(); // ClickHouse is down: the client sees its connection fail, as without the proxy
            return;
        }
        using (response)
        {
            if (trapped)
            {
                Fire(context, trap!.Value.Fired);
                return;
            }
            context.Response.StatusCode = (int)response.StatusCode;
            await context.Response.Body.WriteAsync(await response.Content.ReadAsByteArrayAsync());
        }
    }

    private void Fire(HttpContext context, TaskCompletionSource fired)
    {
        _clickHouse.Kill();
        context.Abort();
        fired.TrySetResult();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
