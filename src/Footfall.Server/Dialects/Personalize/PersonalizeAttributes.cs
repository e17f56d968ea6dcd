using System.Text.Json;
using Footfall.Events;
using Footfall.Identity;
using Footfall.Ingest;

namespace Footfall.Server.Dialects.Personalize;

/// <summary><c>PATCH /personalize/user-attributes</c>: attributes of the uid's user; a later value replaces an earlier one.</summary>
public sealed class PersonalizeAttributes : DialectEndpoint
{
    /// <inheritdoc />
    public override string Source => EventSources.Personalize;

    /// <inheritdoc />
    public override int MaxBodyBytes => 64 * 1024;

    /// <inheritdoc />
    public override bool CarriesEvents => false;

    /// <inheritdoc />
    public override BodyShape Shape => BodyShape.One;

    /// <inheritdoc />
    public override string Noun => "the body (attribute name -> value)";

    /// <inheritdoc />
    public override (string? Id, string Where) FindProject(HttpRequest request, JsonElement body) => PersonalizeDialect.FindProject(request);

    /// <inheritdoc />
    public override string? FindPerson(HttpRequest request, out DialectPerson person) => PersonalizeDialect.FindUser(request, out person);

    /// <inheritdoc />
    public override string? Read(JsonElement item, DialectContext context, DialectBatch batch)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in item.EnumerateObject())
        {
            if (property.Name.Length is 0 or > 128)
                return "attribute names must be 1-128 characters";
            attributes[property.Name] = property.Value.GetRawText();
        }
        batch.Write(AttributeWrite.Set(Identifier.User(context.Person.UserId!), attributes));
        return null;
    }

    /// <inheritdoc />
    public override IResult Answer(IngestResult result, DialectContext context, DialectBatch batch) =>
        TypedResults.Ok(new AttributesUpdated(batch.Attributes.Sum(a => a.Values!.Count)));

    /// <summary>The answer of <c>PATCH /user-attributes</c>: how many attribute values were set.</summary>
    public sealed record AttributesUpdated(int Updated);
}
