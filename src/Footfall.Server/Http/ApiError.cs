namespace Footfall.Server.Http;

/// <summary>
/// The JSON error body every 4xx and 5xx carries: <c>{"error": "..."}</c>, plus <c>requestId</c> when the global
/// handler wrote it (<see cref="ErrorAnswers"/>; every answer has the id in <c>X-Request-Id</c>).
/// </summary>
public sealed record ApiError(string Error)
{
    /// <summary>The request's id, as in <c>X-Request-Id</c> and the log line.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? RequestId { get; init; }

    /// <summary>400 naming the problem.</summary>
    public static IResult BadRequest(string error) => TypedResults.Json(new ApiError(error), statusCode: StatusCodes.Status400BadRequest);

    /// <summary>401: the secret key is missing or wrong.</summary>
    public static IResult Unauthorized(string error = "a valid secret key is required: Authorization: Bearer <secretKey>") =>
        TypedResults.Json(new ApiError(error), statusCode: StatusCodes.Status401Unauthorized);

    /// <summary>404 naming what is missing.</summary>
    public static IResult NotFound(string error) => TypedResults.Json(new ApiError(error), statusCode: StatusCodes.Status404NotFound);

    /// <summary>409: the request contradicts what is stored (a link the link rule refuses).</summary>
    public static IResult Conflict(string error) => TypedResults.Json(new ApiError(error), statusCode: StatusCodes.Status409Conflict);

    /// <summary>413: the body is over a limit.</summary>
    public static IResult TooLarge(string error) => TypedResults.Json(new ApiError(error), statusCode: StatusCodes.Status413PayloadTooLarge);

    /// <summary>
    /// 503 (or the <paramref name="status"/> a vendor's clients expect, such as 429) with Retry-After: the commit
    /// queue is full or the store is down; nothing was stored.
    /// </summary>
    public static IResult Unavailable(HttpContext context, string error, int status = StatusCodes.Status503ServiceUnavailable)
    {
        context.Response.Headers.RetryAfter = "1";
        return TypedResults.Json(new ApiError(error), statusCode: status);
    }
}
