using System.Text.Json;
using Footfall.Events;
using Footfall.Identity;
using Footfall.Ingest;
using Footfall.Server.Http;

namespace Footfall.Server.Dialects.Personalize;

/// <summary>
/// <c>POST /personalize/user-attributes/actions/merge</c> <c>{sourceUserUid, targetUserUid}</c>: links the two uids;
/// Personalize documents that the (anonymous) source's attributes win. A link the link rule refuses is 409.
/// </summary>
public sealed class PersonalizeMerge : DialectEndpoint
{
    /// <inheritdoc />
    public override string Source => EventSources.Personalize;

    /// <inheritdoc />
    public override int MaxBodyBytes => 16 * 1024;

    /// <inheritdoc />
    public override bool CarriesEvents => false;

    /// <inheritdoc />
    public override BodyShape Shape => BodyShape.One;

    /// <inheritdoc />
    public override string Noun => "the body {\"sourceUserUid\": \"...\", \"targetUserUid\": \"...\"}";

    /// <inheritdoc />
    public override (string? Id, string Where) FindProject(HttpRequest request, JsonElement body) => PersonalizeDialect.FindProject(request);

    /// <inheritdoc />
    public override string? Read(JsonElement item, DialectContext context, DialectBatch batch)
    {
        if (Uid(item, "sourceUserUid", out var sourceUid) is { } sourceError) return sourceError;
        if (Uid(item, "targetUserUid", out var targetUid) is { } targetError) return targetError;
        var source = Identifier.User(sourceUid!);
        batch.Link(source, Identifier.User(targetUid!));
        batch.Write(AttributeWrite.Keep(source));
        return null;
    }

    /// <inheritdoc />
    public override IResult Answer(IngestResult result, DialectContext context, DialectBatch batch) =>
        result.RefusedLinks > 0 ? ApiError.Conflict(LinkRule.RefusedReason) : TypedResults.Ok(new MergeAnswer(true));

    private static string? Uid(JsonElement root, string name, out string? value)
    {
        if (!DialectJson.TryReadString(root, name, out value, out var error))
            return error;
        if (string.IsNullOrEmpty(value))
            return $"{name} is required";
        return value.Length > EventLimits.MaxIdLength ? $"{name} must be at most {EventLimits.MaxIdLength} characters" : TextRule.Check(name, value);
    }

    /// <summary>The answer of <c>POST /user-attributes/actions/merge</c> once the two uids are one person.</summary>
    public sealed record MergeAnswer(bool Merged);
}
