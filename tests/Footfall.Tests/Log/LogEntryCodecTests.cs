using CsCheck;
using Footfall.Events;
using Footfall.Identity;
using Footfall.Log;

namespace Footfall.Tests.Log;

public sealed class LogEntryCodecTests
{
    private static readonly DateTime Time = new(2026, 11, 3, 10, 15, 0, DateTimeKind.Utc);

    [Fact]
    public void Decode_OfEncode_GivesBackEveryField()
    {
        var full = new TrackedEvent
        {
            Key = "k-1", Action = BuiltInActions.Purchase, Time = Time, ReceivedAt = Time.AddSeconds(3),
            UserId = "u-ü", GuestId = "g-1", SessionId = "s-1", Experience = "hero", Variant = "1",
            Target = new Dictionary<string, string> { ["product"] = "sku-1", ["category"] = "shoes" },
            SourceId = "block-7", Label = "bought", ParamsJson = """{"price":19.9}""", Source = EventSources.Personalize,
        };
        var bare = new TrackedEvent { Action = BuiltInActions.ProductView, Time = Time, ReceivedAt = Time, GuestId = "g-2", Source = EventSources.Native };
        var entry = new LogEntry("project-1", EventSources.Native, [full, bare],
            [new IdentityLink(Identifier.Guest("g-1"), Identifier.User("u-ü"))],
            [new RejectedEvent(Time, EventSources.Native, "action is required", """{"x":1}""") { Identifiers = [Identifier.User("u-1"), Identifier.Guest("g-1")] }]);

        var decoded = LogEntryCodec.Decode(LogEntryCodec.Encode(entry));

        Assert.Equal(entry.ProjectId, decoded.ProjectId);
        Assert.Equal(entry.Source, decoded.Source);
        Assert.Equal(2, decoded.Events.Count);
        Assert.Equal(full with { Target = null }, decoded.Events[0] with { Target = null });
        Assert.Equal(full.Target, decoded.Events[0].Target);
        Assert.Equal(DateTimeKind.Utc, decoded.Events[0].Time.Kind);
        Assert.Equal(bare, decoded.Events[1]);
        Assert.Equal(entry.Links, decoded.Links);
        Assert.Equal(entry.Rejected, decoded.Rejected);
    }

    [Fact]
    public void Decode_OfAVersion1Entry_FindsItsRejectedEventsIdentifiersInTheirBody()
    {
        var rejected = new RejectedEvent(Time, EventSources.Native, "action is required", """{"userId":"u-1"}""") { Identifiers = [Identifier.User("u-1")] };
        var bytes = LogEntryCodec.Encode(new LogEntry("p", EventSources.Native, [], [], [rejected]));
        // Version 1 ends each rejected event at its raw text: cut the identifiers version 2 appends (count 1, kind, "u-1").
        var version1 = bytes[..^(1 + 1 + 1 + "u-1".Length)];
        version1[0] = 1;

        Assert.Equal([rejected], LogEntryCodec.Decode(version1).Rejected);
    }

    [Fact]
    public void Property_DecodeKeys_GivesTheProjectAndTheKeysDecodeGives()
    {
        var text = Gen.String[Gen.Char, 0, 40];
        var optional = Gen.Frequency((1, Gen.Const((string?)null)), (2, text.Select(s => (string?)s)));
        var target = Gen.Frequency((1, Gen.Const((Dictionary<string, string>?)null)),
            (1, Gen.Select(text, text).Array[1, 3].Select(pairs => (Dictionary<string, string>?)pairs.DistinctBy(p => p.Item1).ToDictionary(p => p.Item1, p => p.Item2))));
        var trackedEvent = Gen.Select(optional, optional, optional, target, Gen.Select(optional, optional, Gen.OneOf(EventSources.Native, EventSources.Personalize)))
            .Select((key, user, label, t, rest) => new TrackedEvent
            {
                Key = key, Action = BuiltInActions.ProductView, Time = Time, ReceivedAt = Time, UserId = user, GuestId = rest.Item1,
                SessionId = rest.Item2, Experience = label, Variant = label, Target = t, SourceId = key, Label = label, ParamsJson = user, Source = rest.Item3,
            });
        var rejected = new RejectedEvent(Time, EventSources.Native, "bad", "{}") { Identifiers = [Identifier.User("u-1")] };
        Gen.Select(text, trackedEvent.Array[0, 20], Gen.Bool).Sample((project, events, withRest) =>
        {
            var entry = new LogEntry(project, EventSources.Native, events,
                withRest ? [new IdentityLink(Identifier.Guest("g"), Identifier.User("u"))] : [], withRest ? [rejected] : []);

            var (projectId, keys) = LogEntryCodec.DecodeKeys(LogEntryCodec.Encode(entry));

            Assert.Equal(project, projectId);
            Assert.Equal(events.Where(e => e.Key is not null).Select(e => e.Key!), keys);
        });
    }

    [Fact]
    public void Decode_OfAnUnknownVersion_SaysSo()
    {
        var bytes = LogEntryCodec.Encode(new LogEntry("p", EventSources.Native, [], [], []));
        bytes[0] = 99;

        var error = Assert.Throws<InvalidDataException>(() => LogEntryCodec.Decode(bytes));

        Assert.Contains("99", error.Message);
    }

    [Fact]
    public void Decode_OfACutEntry_FailsAsInvalidData()
    {
        var bytes = LogEntryCodec.Encode(SegmentLogTests.Entry(1));

        Assert.Throws<InvalidDataException>(() => LogEntryCodec.Decode(bytes.AsMemory(0, bytes.Length - 5)));
    }
}
