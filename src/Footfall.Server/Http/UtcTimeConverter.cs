using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Footfall.Server.Http;

/// <summary>
/// Writes a <see cref="DateTimeOffset"/> as the UTC time with <c>Z</c>, the way every <see cref="DateTime"/> the
/// server answers with is written: the wire records shared with Footfall.Client carry offsets, the server's times are
/// UTC, and one answer must not mix <c>Z</c> and <c>+00:00</c>.
/// </summary>
public sealed class UtcTimeConverter : JsonConverter<DateTimeOffset>
{
    /// <inheritdoc />
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTimeOffset();

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value.UtcDateTime);

    /// <summary>
    /// Describes these times in the OpenAPI document as what they are on the wire, an RFC 3339 string: the document's
    /// generator knows nothing of a custom converter's output and would leave them untyped.
    /// </summary>
    public static Task DescribeAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(DateTimeOffset) || type == typeof(DateTimeOffset?))
        {
            schema.Type = type == typeof(DateTimeOffset) ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
            schema.Format = "date-time";
        }
        return Task.CompletedTask;
    }
}
