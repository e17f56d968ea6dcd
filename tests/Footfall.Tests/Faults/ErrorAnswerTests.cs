using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Footfall.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Footfall.Tests.Faults;

/// <summary>Every error answer, whoever produced it, is a JSON error body with a request id that the log has too.</summary>
public sealed class ErrorAnswerTests
{
    [Fact]
    public async Task Every_error_answer_of_a_real_server_has_a_json_body_and_a_request_id_in_the_log()
    {
        using var data = new TempFolder();
        await using var server = await ServerProcess.StartAsync(data.Path);
        var (projectId, _) = server.DefaultProject();
        using var http = server.Client();
        var requests = new Func<HttpRequestMessage>[]
        {
            () => new HttpRequestMessage(HttpMethod.Get, "/no/such/route"),
            () => new HttpRequestMessage(HttpMethod.Delete, "/healthz"),
            () => new HttpRequestMessage(HttpMethod.Get, "/v1/people/activity?userId=u"),
            () => new HttpRequestMessage(HttpMethod.Post, "/v1/events") { Content = new StringContent("{not json") },
            () => new HttpRequestMessage(HttpMethod.Post, "/v1/events?project=p_unknown") { Content = new StringContent("{}") },
            // Invalid UTF-8 inside a string value.
            () => new HttpRequestMessage(HttpMethod.Post, $"/v1/events?project={projectId}")
            {
                Content = new ByteArrayContent([.. Encoding.UTF8.GetBytes("{\"action\": \"a\", \"userId\": \""), 0xFF, 0xFE, .. Encoding.UTF8.GetBytes("\"}")]),
            },
        };
        foreach (var make in requests)
        {
            using var request = make();
            var description = $"{request.Method} {request.RequestUri}";
            var response = await http.SendAsync(request);
            Assert.True((int)response.StatusCode >= 400, $"{description}: {response.StatusCode}");
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetString()), description);
            var requestId = Assert.Single(response.Headers.GetValues("X-Request-Id"));
            await WaitForLogAsync(server, requestId, description);
        }
    }

    [Fact]
    public async Task Regression_NoGlobalExceptionHandler_AnUnexpectedErrorAnsweredAnEmpty500()
    {
        using var factory = new ThrowingFactory();
        using var http = factory.CreateClient();
        var response = await http.GetAsync("/test/throws");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("internal error", body.GetProperty("error").GetString());
        Assert.Equal(Assert.Single(response.Headers.GetValues("X-Request-Id")), body.GetProperty("requestId").GetString());
        Assert.DoesNotContain("secret detail", body.ToString());
    }

    // The log line is written as the answer completes; the process's output reaches us a moment later (on a loaded
    // box, seconds later: the deadline only bounds a line that never comes).
    private static Task WaitForLogAsync(ServerProcess server, string requestId, string description) =>
        Poll.UntilAsync(() => Task.FromResult(server.Output.Contains(requestId, StringComparison.Ordinal)), TimeSpan.FromSeconds(60),
            $"{description}: request id {requestId} is in no log line within 60 s", everyMs: 20);

    /// <summary>The real server with one extra route that fails the way a bug would.</summary>
    private sealed class ThrowingFactory : Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>
    {
        private readonly TempFolder _data = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Footfall:Data", _data.Path);
            builder.UseSetting("Footfall:AdminToken", FootfallFactory.AdminToken);
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, ThrowingRoute>());
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing) _data.Dispose();
        }
    }

    private sealed class ThrowingRoute : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Use((HttpContext context, RequestDelegate following) => context.Request.Path == "/test/throws"
                ? throw new InvalidOperationException("secret detail")
                : following(context));
        };
    }
}
