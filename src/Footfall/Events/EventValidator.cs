using System.Text.Json;

namespace Footfall.Events;

/// <summary>
/// The rules every event must pass, whichever entry point it came by. Returns the reason an event is
/// refused, or null; the reason names the field so a client can fix it.
/// </summary>
public static class EventValidator
{
    /// <summary>Checks one translated event.</summary>
    public static string? Validate(TrackedEvent e) => TextError(e) ?? FieldError(e);

    /// <summary>The <see cref="TextRule"/> over every string of the event, as it would be stored.</summary>
    public static string? TextError(TrackedEvent e)
    {
        var error = TextRule.Check("id", e.Key) ?? TextRule.Check("action", e.Action) ?? TextRule.Check("userId", e.UserId)
            ?? TextRule.Check("guestId", e.GuestId) ?? TextRule.Check("sessionId", e.SessionId)
            ?? TextRule.Check("experience", e.Experience) ?? TextRule.Check("variant", e.Variant)
            ?? TextRule.Check("sourceId", e.SourceId) ?? TextRule.Check("label", e.Label, freeText: true);
        if (error is not null)
            return error;
        if (e.Target is not null)
        {
            foreach (var (kind, id) in e.Target)
            {
                if (TextRule.Problem(kind) is { } kindProblem)
                    return $"a target kind {kindProblem}";
                if (TextRule.Problem(id) is { } idProblem)
                    return $"target.{kind} {idProblem}";
            }
        }
        return e.ParamsJson is null ? null : TextRule.CheckJson(e.ParamsJson, "params");
    }

    private static string? FieldError(TrackedEvent e)
    {
        if (!IsValidAction(e.Action))
            return $"action '{Shorten(e.Action)}' must be 1-64 characters of letters, digits, '_', '.', ':' or '-', starting with a letter or digit";
        if (e.Key is { Length: > EventLimits.MaxKeyLength })
            return $"id must be at most {EventLimits.MaxKeyLength} characters";
        if (e.UserId is null && e.GuestId is null)
            return "userId or guestId is required";
        if (e.UserId is { Length: 0 } || e.GuestId is { Length: 0 })
            return "userId and guestId must not be empty";
        if (e.UserId is { Length: > EventLimits.MaxIdLength })
            return $"userId must be at most {EventLimits.MaxIdLength} characters";
        if (e.GuestId is { Length: > EventLimits.MaxIdLength })
            return $"guestId must be at most {EventLimits.MaxIdLength} characters";
        if (e.SessionId is { Length: > EventLimits.MaxIdLength })
            return $"sessionId must be at most {EventLimits.MaxIdLength} characters";
        if (e.Label is { Length: > EventLimits.MaxLabelLength })
            return $"label must be at most {EventLimits.MaxLabelLength} characters";
        if (e.ParamsJson is not null && System.Text.Encoding.UTF8.GetByteCount(e.ParamsJson) > EventLimits.MaxParamsBytes)
            return $"params must be at most {EventLimits.MaxParamsBytes} bytes serialized";
        return RequiredFieldsError(e);
    }

    /// <summary>The native action-name rule: 1-64 of [A-Za-z0-9_.:-], starting with a letter or digit.</summary>
    public static bool IsValidAction(string action)
    {
        if (action.Length is 0 or > EventLimits.MaxActionLength || !char.IsAsciiLetterOrDigit(action[0]))
            return false;
        foreach (var c in action)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '.' or ':' or '-'))
                return false;
        }
        return true;
    }

    private static string? RequiredFieldsError(TrackedEvent e)
    {
        switch (e.Action)
        {
            case BuiltInActions.Impression:
                if (string.IsNullOrEmpty(e.Experience)) return "impression requires experience";
                if (string.IsNullOrEmpty(e.Variant)) return "impression requires variant";
                return null;
            case BuiltInActions.SessionStart or BuiltInActions.SessionEnd:
                return string.IsNullOrEmpty(e.SessionId) ? $"{e.Action} requires sessionId" : null;
            case BuiltInActions.PageVisit:
                return ParamIsString(e.ParamsJson, "url") ? null : "page.visit requires params.url";
        }
        var kind = BuiltInActions.RequiredTarget(e.Action);
        if (kind is null)
            return null;
        if (e.Target is null || !e.Target.TryGetValue(kind, out var id) || id.Length == 0)
            return $"{e.Action} requires target.{kind}";
        if (e.Action == BuiltInActions.Rating && !ParamIsNumber(e.ParamsJson, "rating"))
            return "product_rating requires a numeric params.rating";
        return null;
    }

    private static bool ParamIsString(string? json, string name) =>
        TryGetParam(json, name, out var kind) && kind == JsonValueKind.String;

    private static bool ParamIsNumber(string? json, string name) =>
        TryGetParam(json, name, out var kind) && kind == JsonValueKind.Number;

    private static bool TryGetParam(string? json, string name, out JsonValueKind kind)
    {
        kind = JsonValueKind.Undefined;
        if (json is null)
            return false;
        using var doc = JsonDocument.Parse(json);
        if (!doc.RootElement.TryGetProperty(name, out var value))
            return false;
        kind = value.ValueKind;
        return true;
    }

    private static string Shorten(string s) => s.Length <= 70 ? s : s[..67] + "...";
}
