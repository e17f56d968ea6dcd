using System.Text;
using Footfall.Tests.Support;

namespace Footfall.Browser.Tests.Support;

/// <summary>
/// The sample shop page on its own loopback origin (another origin than the Footfall server: the SDK runs
/// cross-origin as on a real site): every path answers <c>samples/browser/index.html</c>, its placeholders filled in.
/// A query <c>?init=...</c> is appended to the <c>footfall.init</c> options (e.g. <c>flushInterval: 600000</c>).
/// </summary>
public sealed class ShopSite : IDisposable
{
    private readonly LoopbackSite _site;

    /// <summary>Starts serving on a free loopback port.</summary>
    public ShopSite(string footfallUrl, string projectId)
    {
        var html = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "samples", "index.html"))
            .Replace("FOOTFALL_HOST", footfallUrl)
            .Replace("FOOTFALL_PROJECT_ID", projectId);
        _site = new LoopbackSite(url =>
        {
            var extra = System.Web.HttpUtility.ParseQueryString(url.Query)["init"];
            var page = string.IsNullOrEmpty(extra) ? html : html.Replace($"host: '{footfallUrl}' }}", $"host: '{footfallUrl}', {extra} }}");
            return ("text/html; charset=utf-8", Encoding.UTF8.GetBytes(page));
        });
    }

    /// <summary>The site's origin, e.g. http://127.0.0.1:40123.</summary>
    public string Origin => _site.Origin;

    /// <inheritdoc />
    public void Dispose() => _site.Dispose();
}
