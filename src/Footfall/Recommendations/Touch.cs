using Footfall.Events;

namespace Footfall.Recommendations;

/// <summary>A product interaction with its person and item interned to indexes: what models hold a million of.</summary>
internal readonly record struct Touch(int Person, int Item, long Ticks, float Weight, TouchKind Kind);

/// <summary>The actions feeds tell apart; the rest only carry a weight.</summary>
internal enum TouchKind : byte
{
    Other,
    View,
    Purchase,
}

internal static class TouchKinds
{
    public static TouchKind Of(string action) => action switch
    {
        BuiltInActions.ProductView => TouchKind.View,
        BuiltInActions.Purchase => TouchKind.Purchase,
        _ => TouchKind.Other,
    };
}
