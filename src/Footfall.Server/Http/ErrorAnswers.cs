using Footfall.Storage;
using Microsoft.AspNetCore.Diagnostics;

namespace Footfall.Server.Http;

/// <summary>
/// Every error answer, whoever produced it, is an <see cref="ApiError"/> JSON body, and every answer carries the
/// request's id (<c>X-Request-Id</c>, also in the body of the errors written here and in their log line), so an
/// operator can find the log line a client reports. A failing store is 503 with Retry-After; anything unexpected is a
/// 500 that says only "internal error" (the details are in the log, under the id).
/// </summary>
public static class ErrorAnswers
{
    /// <summary>The response header that carries the request id.</summary>
    public const string RequestIdHeader = "X-Request-Id";

    /// <summary>Installs the request id, the exception handler and JSON bodies for bodiless error statuses; first in the pipeline.</summary>
    public static void UseErrorAnswers(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            // Set as the answer starts: the exception handler clears the headers of a failed answer.
            context.Response.OnStarting(() =>
            {
                context.Response.Headers[RequestIdHeader] = context.TraceIdentifier;
                return Task.CompletedTask;
            });
            await next(context);
            // Every error answer has a log line with its id (admission's refusals: one in summary); an exception's
            // line (with its stack) was written below.
            if (context.Response.StatusCode >= 400 && context.Features.Get<IExceptionHandlerFeature>() is null
                && context.Features.Get<Admission.QuietRefusal>() is null)
                Logger(context).Log(context.Response.StatusCode >= 500 ? LogLevel.Warning : LogLevel.Information,
                    "{Method} {Path} answered {Status}, request {RequestId}", context.Request.Method, context.Request.Path,
                    context.Response.StatusCode, context.TraceIdentifier);
        });
        // The handler logs each error once, with the request id; the middleware's own log line would repeat it.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = AnswerExceptionAsync, StatusCodeSelector = StatusOf, SuppressDiagnosticsCallback = _ => true,
        });
        app.UseStatusCodePages(context => AnswerStatusAsync(context.HttpContext));
    }

    private static int StatusOf(Exception exception) => exception switch
    {
        StoreUnavailableException or StoreLimitException => StatusCodes.Status503ServiceUnavailable,
        BadHttpRequestException bad => bad.StatusCode,
        _ => StatusCodes.Status500InternalServerError,
    };

    private static async Task AnswerExceptionAsync(HttpContext context)
    {
        var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var logger = Logger(context);
        var status = exception is null ? StatusCodes.Status500InternalServerError : StatusOf(exception);
        string message;
        switch (exception)
        {
            case StoreUnavailableException unavailable:
                message = unavailable.Message;
                context.Response.Headers.RetryAfter = "1";
                // The store's own message can quote people's data: the type says enough (the store logs its failures).
                logger.LogWarning("{Method} {Path} answered 503, request {RequestId}: {Problem} ({Cause})", context.Request.Method,
                    context.Request.Path, context.TraceIdentifier, unavailable.Message, unavailable.InnerException?.GetType().Name);
                break;
            case StoreLimitException limit:
                // Names a configured bound and how to change it: no people's data, and no point retrying.
                message = limit.Message;
                logger.LogWarning("{Method} {Path} answered 503, request {RequestId}: {Problem}", context.Request.Method,
                    context.Request.Path, context.TraceIdentifier, limit.Message);
                break;
            case BadHttpRequestException bad:
                message = bad.Message;
                break;
            default:
                message = "internal error";
                logger.LogError(exception, "{Method} {Path} failed, request {RequestId}", context.Request.Method, context.Request.Path, context.TraceIdentifier);
                break;
        }
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(new ApiError(message) { RequestId = context.TraceIdentifier });
    }

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ErrorAnswers).FullName!);

    // 404 for an unknown route, 405, 415 and the like come without a body.
    private static Task AnswerStatusAsync(HttpContext context)
    {
        var status = context.Response.StatusCode;
        var message = status switch
        {
            StatusCodes.Status404NotFound => $"no such route: {context.Request.Method} {context.Request.Path}",
            StatusCodes.Status405MethodNotAllowed => $"{context.Request.Method} is not allowed on {context.Request.Path}",
            _ => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status),
        };
        return context.Response.WriteAsJsonAsync(new ApiError(message) { RequestId = context.TraceIdentifier });
    }
}
