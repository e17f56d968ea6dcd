using Footfall.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Footfall.Browser.Tests;

/// <summary>
/// The dashboard and the API reference under their Content Security Policy, in a real Chromium: every page renders and
/// nothing is refused (the reference: only its probe for eval), and another page cannot frame the dashboard.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SecurityHeaderTests(BrowserFixture fx)
{
    // Every refusal the policy causes, as the page sees it.
    private const string RecordViolations =
        "window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));";

    private static async Task<string[]> ViolationsAsync(IPage page) => await page.EvaluateAsync<string[]>("() => window.__csp");

    [Fact]
    public async Task Regression_DashboardCanBeFramed_SendsCspAndFrameOptions()
    {
        using var response = await fx.Api.GetAsync("/");
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());

        await using var context = await fx.NewContextAsync();
        var page = await context.NewPageAsync();
        var console = new List<string>();
        page.Console += (_, m) => { lock (console) console.Add(m.Text); };
        var framed = page.WaitForConsoleMessageAsync(new PageWaitForConsoleMessageOptions
        {
            Predicate = m => m.Text.Contains("frame-ancestors", StringComparison.Ordinal),
        });
        await page.SetContentAsync($"<iframe id=f src=\"{fx.Server.Url}/\" width=800 height=600></iframe>");
        await framed;
        var frame = page.Frames.Single(f => f != page.MainFrame);
        Assert.Equal(0, await frame.Locator("[data-testid=secret-key-input]").CountAsync());
    }

    [Fact]
    public async Task Every_dashboard_page_renders_under_the_policy_with_nothing_refused()
    {
        await using var context = await fx.NewContextAsync();
        await context.AddInitScriptAsync(RecordViolations);
        var page = await context.NewPageAsync();
        await page.GotoAsync(fx.Server.Url + "/");
        await page.GetByTestId("secret-key-input").FillAsync(fx.SecretKey);
        await page.GetByTestId("sign-in-submit").ClickAsync();
        await Expect(page.GetByTestId("project-name")).ToBeVisibleAsync();

        // An experience page draws uPlot charts: the part most likely to want inline styles.
        var experience = (await fx.GetJsonAsync("/v1/experiences")).GetProperty("experiences")[0].GetProperty("shortUid").GetString()!;
        await page.GotoAsync($"{fx.Server.Url}/#/experiences/{experience}");
        await Expect(page.Locator(".chart-canvas canvas").First).ToBeVisibleAsync();
        await Expect(page.Locator(".bar-fill").First).ToBeAttachedAsync();
        await page.GetByTestId("nav-live").ClickAsync();
        await Expect(page.GetByTestId("live-total")).ToBeVisibleAsync();
        await page.GetByTestId("nav-recommendations").ClickAsync();
        await Expect(page.GetByTestId("performance-table")).ToBeVisibleAsync();
        await page.GetByTestId("nav-people").ClickAsync();
        await Expect(page.GetByTestId("person-lookup-input")).ToBeVisibleAsync();

        Assert.Empty(await ViolationsAsync(page));
    }

    [Fact]
    public async Task The_api_reference_renders_under_its_policy_with_only_eval_refused()
    {
        await using var context = await fx.NewContextAsync();
        await context.AddInitScriptAsync(RecordViolations);
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync(fx.Server.Url + "/docs/");
        Assert.Contains("'nonce-", response!.Headers["content-security-policy"]);
        await Expect(page.GetByText("Footfall API").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        // An operation's summary: the document was fetched and drawn, not only the page's frame.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "/healthz" })).ToBeVisibleAsync();
        // Scalar probes for eval and draws the reference without it; eval stays refused.
        Assert.DoesNotContain(await ViolationsAsync(page), v => v != "script-src eval");
    }
}
