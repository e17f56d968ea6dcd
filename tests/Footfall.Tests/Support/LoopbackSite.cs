using System.Net;
using System.Net.Sockets;

namespace Footfall.Tests.Support;

/// <summary>
/// A tiny static web server on its own loopback port: another origin than Footfall, as a real site is. Chromium's
/// Local Network Access refuses a page that is not itself on loopback (a Playwright-fulfilled page has no address)
/// calling the server on loopback, so the page has to be served for real.
/// </summary>
public sealed class LoopbackSite : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<Uri, (string ContentType, byte[] Body)?> _answer;
    private readonly Task _loop;

    /// <summary>Serves what <paramref name="answer"/> gives for a request's URL (null: 404).</summary>
    public LoopbackSite(Func<Uri, (string ContentType, byte[] Body)?> answer)
    {
        _answer = answer;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Origin = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}";
        }
        _listener.Prefixes.Add(Origin + "/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>The site's origin, e.g. http://127.0.0.1:40123.</summary>
    public string Origin { get; }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            try
            {
                if (_answer(context.Request.Url!) is { } found)
                {
                    context.Response.ContentType = found.ContentType;
                    context.Response.Headers["Cache-Control"] = "no-store";
                    context.Response.ContentLength64 = found.Body.Length;
                    await context.Response.OutputStream.WriteAsync(found.Body);
                }
                else
                {
                    context.Response.StatusCode = 404;
                }
                context.Response.Close();
            }
            catch (HttpListenerException)
            {
                // The browser went away mid-answer.
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
