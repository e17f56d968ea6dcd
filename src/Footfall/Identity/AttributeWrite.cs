namespace Footfall.Identity;

/// <summary>
/// Attributes to set on the person an identifier belongs to (name -> JSON value text); a later value replaces an
/// earlier one. With <see cref="Values"/> null the identifier's own current attributes are written again after the
/// request's links, so they win over those of the person it was just linked to.
/// </summary>
public sealed record AttributeWrite(Identifier Person, IReadOnlyDictionary<string, string>? Values)
{
    /// <summary>Sets <paramref name="values"/> on the person of <paramref name="person"/>.</summary>
    public static AttributeWrite Set(Identifier person, IReadOnlyDictionary<string, string> values) => new(person, values);

    /// <summary>Makes <paramref name="person"/>'s attributes win over those its links bring.</summary>
    public static AttributeWrite Keep(Identifier person) => new(person, null);
}
