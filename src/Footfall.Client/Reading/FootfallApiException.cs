using System.Net;

namespace Footfall.Client;

/// <summary>The server answered a read or erase call with an error.</summary>
public sealed class FootfallApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FootfallApiException(HttpStatusCode statusCode, string error)
        : base($"Footfall answered {(int)statusCode}: {error}")
    {
        StatusCode = statusCode;
        Error = error;
    }

    /// <summary>The HTTP status.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The server's <c>error</c> message.</summary>
    public string Error { get; }
}
