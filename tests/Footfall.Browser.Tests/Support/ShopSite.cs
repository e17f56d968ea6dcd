using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Footfall.Browser.Tests.Support;

/// <summary>
/// A tiny static web server on loopback (its own port, so another origin than the Footfall server: the SDK runs
/// cross-origin as on a real site) answering every path with <c>samples/browser/index.html</c>, its placeholders
/// filled in. A query <c>?init=...</c> is appended to the <c>footfall.init</c> options (e.g. <c>flushInterval: 600000</c>).
/// </summary>
/// <remarks>
/// Not a Playwright route on a fake public origin: Chromium's Private Network Access refuses a public, non-secure page
/// loading a script from loopback, so the page has to come from loopback too.
/// </remarks>
public sealed class ShopSite : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _html;
    private readonly string _footfallUrl;
    private readonly Task _loop;

    /// <summary>Starts serving on a free loopback port.</summary>
    public ShopSite(string footfallUrl, string projectId)
    {
        _footfallUrl = footfallUrl;
        _html = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "samples", "index.html"))
            .Replace("FOOTFALL_HOST", footfallUrl)
            .Replace("FOOTFALL_PROJECT_ID", projectId);
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
                var extra = context.Request.QueryString["init"];
                var html = string.IsNullOrEmpty(extra)
                    ? _html
                    : _html.Replace($"host: '{_footfallUrl}' }}", $"host: '{_footfallUrl}', {extra} }}");
                var body = Encoding.UTF8.GetBytes(html);
                context.Response.ContentType = "text/html; charset=utf-8";
                context.Response.Headers["Cache-Control"] = "no-store";
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body);
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
