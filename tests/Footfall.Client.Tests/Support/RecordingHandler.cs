using System.Net;
using System.Text;

namespace Footfall.Client.Tests.Support;

/// <summary>
/// A handler between the client and the network that records each request and can script answers: forward to the
/// real server, lose the reply after the server handled it, or answer by itself without any server.
/// </summary>
public sealed class RecordingHandler : DelegatingHandler
{
    private readonly Queue<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> _script = new();
    private readonly List<(string Path, string Body)> _requests = [];
    private TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Forwards to the network unless a scripted step is queued.</summary>
    public RecordingHandler() : base(new SocketsHttpHandler())
    {
    }

    /// <summary>The requests seen, in order.</summary>
    public IReadOnlyList<(string Path, string Body)> Requests
    {
        get
        {
            lock (_requests) return _requests.ToList();
        }
    }

    /// <summary>Completes when the next request has been answered.</summary>
    public Task NextAnswer
    {
        get
        {
            lock (_requests) return _answered.Task;
        }
    }

    /// <summary>The next request gets this answer instead of reaching the network.</summary>
    public RecordingHandler Answer(HttpStatusCode status, string body = "{}", TimeSpan? retryAfter = null)
    {
        lock (_script)
            _script.Enqueue((_, _) =>
            {
                var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                if (retryAfter is { } wait) response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(wait);
                return Task.FromResult(response);
            });
        return this;
    }

    /// <summary>The next request reaches the server, but its reply is lost on the way back.</summary>
    public RecordingHandler LoseReply()
    {
        lock (_script)
            _script.Enqueue(async (request, cancel) =>
            {
                using var reply = await base.SendAsync(request, cancel);
                throw new HttpRequestException("connection reset after the server answered (scripted)");
            });
        return this;
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (_requests) _requests.Add((request.RequestUri!.AbsolutePath, body));
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>? step;
        lock (_script) _script.TryDequeue(out step);
        try
        {
            return step is null ? await base.SendAsync(request, cancellationToken) : await step(request, cancellationToken);
        }
        finally
        {
            TaskCompletionSource answered;
            lock (_requests)
            {
                answered = _answered;
                _answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            answered.TrySetResult();
        }
    }
}
