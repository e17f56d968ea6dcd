using System.Text.Json;
using Footfall.Events;
using Footfall.Ingest;
using Footfall.Server.Http;

namespace Footfall.Server.Dialects;

/// <summary>
/// What is vendor-specific about one ingest route: where the project and the person are named, how the body holds
/// its items, how one item becomes events, links and attribute writes, and the answer the vendor's clients expect.
/// <see cref="DialectHandler"/> does everything else, the same way for every dialect.
/// </summary>
public abstract class DialectEndpoint
{
    /// <summary>The <c>source</c> stored with every event of this dialect.</summary>
    public abstract string Source { get; }

    /// <summary>The largest body, counted after decompression; over it the answer is 413.</summary>
    public virtual int MaxBodyBytes => EventLimits.MaxBodyBytes;

    /// <summary>How the body holds its items.</summary>
    public virtual BodyShape Shape => BodyShape.OneOrMany;

    /// <summary>
    /// What the items are called in an error about the body's shape: "body must be a JSON array of {Noun}", or for
    /// <see cref="BodyShape.One"/> "{Noun} must be a JSON object".
    /// </summary>
    public virtual string Noun => "events";

    /// <summary>
    /// Whether the items are events: then an item breaking the text rule is kept aside on its own, beside its good
    /// neighbours. A route that only sets attributes or links (false) refuses such a body whole with 400.
    /// </summary>
    public virtual bool CarriesEvents => true;

    /// <summary>The status answered with <c>Retry-After</c> when admission refuses the request.</summary>
    public virtual int BusyStatus => StatusCodes.Status503ServiceUnavailable;

    /// <summary>The project's public id as the vendor sends it (null when absent), and where it is looked for.</summary>
    public abstract (string? Id, string Where) FindProject(HttpRequest request, JsonElement body);

    /// <summary>The person the request names outside its body (headers); a returned error is answered 400.</summary>
    public virtual string? FindPerson(HttpRequest request, out DialectPerson person)
    {
        person = DialectPerson.None;
        return null;
    }

    /// <summary>
    /// The items of the body, or the 400 / 413 saying why its shape is wrong (then nothing is stored or kept aside).
    /// By default from <see cref="Shape"/>.
    /// </summary>
    public virtual (IReadOnlyList<JsonElement>? Items, IResult? Error) Items(JsonElement body, DialectContext context) => Shape switch
    {
        BodyShape.One when body.ValueKind != JsonValueKind.Object => (null, ApiError.BadRequest($"{Noun} must be a JSON object")),
        BodyShape.One => ([body], null),
        _ => JsonBody.Batch(body, Noun, allowSingle: Shape == BodyShape.OneOrMany),
    };

    /// <summary>
    /// Translates one item into <paramref name="batch"/>. An item that cannot be translated is added as an invalid
    /// candidate: it is kept aside with its reason. A returned error refuses the whole request with 400 and is only
    /// for requests that carry no events (an attribute write, a merge).
    /// </summary>
    public abstract string? Read(JsonElement item, DialectContext context, DialectBatch batch);

    /// <summary>The answer once the request is stored; by default the native result body with 200.</summary>
    public virtual IResult Answer(IngestResult result, DialectContext context, DialectBatch batch) => TypedResults.Ok(result);
}

/// <summary>How a dialect's body holds its items.</summary>
public enum BodyShape
{
    /// <summary>One JSON object.</summary>
    One,
    /// <summary>A JSON array.</summary>
    Many,
    /// <summary>One JSON object or a JSON array of them.</summary>
    OneOrMany,
}
