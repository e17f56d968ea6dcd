using System.Text;
using System.Text.Json;
using CsCheck;
using Footfall.Events;
using Footfall.Storage;

namespace Footfall.Tests.Events;

/// <summary>The text rule itself: examples, and properties against an independent oracle (a strict UTF-8 encoder).</summary>
public sealed class TextRuleTests
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Characters that matter to the rule, often, among ordinary ones.
    private static readonly Gen<string> HostileString = Gen.Frequency(
        (6, Gen.Char['a', 'z']),
        (1, Gen.Char["\0\u0001\t\n\r\u001f \ud800\udbff\udc00\udfffé\u2028\uFFFD"]),
        (1, Gen.Char)).Array[0, 12].Select(chars => new string(chars));

    [Theory]
    [InlineData("plain", false, null)]
    [InlineData("emoji \ud83d\ude00 pair", false, null)]
    [InlineData("vic\0tim", false, "has NUL (U+0000) at character 3")]
    [InlineData("a\tb", false, "has the control character U+0009 at character 1")]
    [InlineData("a\tb\nc\r", true, null)]
    [InlineData("a\u001bb", true, "has the control character U+001B at character 1")]
    public void Problem_names_what_is_wrong_and_where(string value, bool freeText, string? expected) =>
        Assert.Equal(expected, TextRule.Problem(value, freeText));

    [Fact]
    public void Problem_finds_lone_surrogates()
    {
        // Not as InlineData: attribute arguments are stored as UTF-8, which turns a lone surrogate into U+FFFD.
        Assert.Equal("has a lone surrogate (U+D800) at character 1", TextRule.Problem("a\ud800", freeText: true));
        Assert.Equal("has a lone surrogate (U+DC00) at character 0", TextRule.Problem("\udc00b"));
        Assert.Equal("has a lone surrogate (U+D800) at character 0", TextRule.Problem("\ud800\ud83d\ude00"));
    }

    [Fact]
    public void Property_Problem_agrees_with_a_strict_encoder_and_the_control_rule() =>
        Gen.Select(HostileString, Gen.Bool).Sample((value, freeText) =>
        {
            var encodes = TryEncode(value);
            var controls = value.Any(c => c < ' ' && !(freeText && c is '\t' or '\n' or '\r'));
            Assert.Equal(encodes && !controls, TextRule.Problem(value, freeText) is null);
        }, iter: 5000);

    [Fact]
    public void Property_CheckJson_finds_exactly_the_strings_that_cannot_be_read_or_break_the_rule() =>
        HostileString.Array[1, 4].Sample(values =>
        {
            // Serialized with every non-ASCII character escaped, as a client's JSON library may write them.
            var json = "{" + string.Join(",", values.Select((v, i) => $"\"k{i}\":{Escaped(v)}")) + "}";
            using var document = JsonDocument.Parse(json);
            var readable = values.All(v => TryEncode(v) && !v.Any(c => c < ' ' && c is not ('\t' or '\n' or '\r')));
            Assert.Equal(readable, TextRule.CheckJson(document.RootElement) is null);
            if (readable)
                Assert.Equal(values, document.RootElement.EnumerateObject().Select(p => p.Value.GetString()!));
        }, iter: 3000);

    [Fact]
    public void Property_Escape_always_gives_storable_text_and_keeps_good_text_as_it_is() =>
        HostileString.Sample(value =>
        {
            var escaped = TextRule.Escape(value, out var changed);
            Assert.Null(TextRule.Problem(escaped, freeText: true));
            Assert.Equal(TextRule.Problem(value, freeText: true) is not null, changed);
            if (!changed) Assert.Same(value, escaped);
        }, iter: 3000);

    [Fact]
    public void Property_StoredJson_reads_any_stored_text_without_throwing_and_gives_sound_json() =>
        Gen.Frequency((3, HostileString.Array[0, 3].Select(v => "{" + string.Join(",", v.Select((s, i) => $"\"k{i}\":{Escaped(s)}")) + "}")),
                      (1, HostileString)).Sample(stored =>
        {
            var element = StoredJson.Parse(stored);
            Assert.Null(TextRule.CheckJson(element));
            using var writer = new Utf8JsonWriter(Stream.Null);
            element.WriteTo(writer);
        }, iter: 3000);

    private static bool TryEncode(string value)
    {
        try
        {
            StrictUtf8.GetByteCount(value);
            return true;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
    }

    private static string Escaped(string value) =>
        "\"" + string.Concat(value.Select(c => c is >= ' ' and < '\u007f' and not ('"' or '\\') ? c.ToString() : $"\\u{(int)c:x4}")) + "\"";
}
