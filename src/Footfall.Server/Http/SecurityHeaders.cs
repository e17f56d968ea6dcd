using Scalar.AspNetCore;

namespace Footfall.Server.Http;

/// <summary>
/// A Content Security Policy and frame refusal on every answer, so the dashboard cannot be framed (clickjacking) and a
/// script that slipped into a page could neither load more code nor send data elsewhere. The dashboard is built files
/// only (Preact and uPlot set styles through the DOM, which CSP allows), so it needs nothing inline. The API reference
/// at <c>/docs</c> (Scalar) needs its inline start-up script, which carries a per-request nonce, and inline styles.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>The dashboard's policy, and every other answer's: only this origin, nothing inline, never framed.</summary>
    public const string Policy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Adds the headers to every answer.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        // Written as the answer starts: Scalar puts its nonce in the request's items only while it renders.
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = context.Items[ScalarOptions.NonceHttpContextItemKey] is string nonce ? DocsPolicy(nonce) : Policy;
            headers.XFrameOptions = "DENY";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            return Task.CompletedTask;
        });
        return next(context);
    });

    private static string DocsPolicy(string nonce) =>
        $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; " +
        "form-action 'self'; frame-ancestors 'none'";
}
