using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Footfall.Tests.Dialects;

/// <summary>Small request helpers for the dialect tests: raw JSON bodies with the dialect's own headers.</summary>
public static class DialectHttp
{
    /// <summary>Sends <paramref name="json"/> (a string, or an object to serialize) with the given headers.</summary>
    public static async Task<(HttpResponseMessage Response, string Body)> SendAsync(HttpClient http, HttpMethod method, string path,
        object? json, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers)
            request.Headers.TryAddWithoutValidation(name, value);
        if (json is not null)
            request.Content = json is string text ? new StringContent(text, Encoding.UTF8, "text/plain") : JsonContent.Create(json);
        var response = await http.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Parses a JSON answer.</summary>
    public static JsonElement Json(string body) => JsonDocument.Parse(body).RootElement.Clone();
}
