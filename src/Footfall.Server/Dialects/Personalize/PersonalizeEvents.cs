using System.Text.Json;
using Footfall.Events;

namespace Footfall.Server.Dialects.Personalize;

/// <summary><c>POST /personalize/events</c>: impressions and events of the uid's user.</summary>
public sealed class PersonalizeEvents : DialectEndpoint
{
    /// <inheritdoc />
    public override string Source => EventSources.Personalize;

    /// <inheritdoc />
    public override string Noun => "events ({\"type\": \"IMPRESSION\"|\"EVENT\", ...})";

    /// <inheritdoc />
    public override (string? Id, string Where) FindProject(HttpRequest request, JsonElement body) => PersonalizeDialect.FindProject(request);

    /// <inheritdoc />
    public override string? FindPerson(HttpRequest request, out DialectPerson person) => PersonalizeDialect.FindUser(request, out person);

    /// <inheritdoc />
    public override string? Read(JsonElement item, DialectContext context, DialectBatch batch)
    {
        batch.Add(PersonalizeEventReader.Read(item, context.Person.UserId!, context.ReceivedAt));
        return null;
    }
}
