using System.Runtime.InteropServices;
using System.Text;
using Footfall.Events;
using Footfall.Identity;
using Footfall.Ingest;

namespace Footfall.Log;

/// <summary>
/// The binary form of a <see cref="LogEntry"/>: a version byte, then length-prefixed UTF-8 strings, 7-bit counts and
/// fixed 8-byte UTC ticks. Each event starts with a bit set of the optional fields it has, so an absent field costs
/// one bit. An event's source is written only when it differs from the entry's. A new layout takes a new version
/// byte, and this class keeps reading every older one: entries outlive the code that wrote them.
/// </summary>
public static class LogEntryCodec
{
    /// <summary>The layout written today: 2 added the identifiers of each rejected event.</summary>
    public const byte Version = 2;

    [Flags]
    private enum Fields
    {
        Key = 1,
        UserId = 1 << 1,
        GuestId = 1 << 2,
        SessionId = 1 << 3,
        Experience = 1 << 4,
        Variant = 1 << 5,
        Target = 1 << 6,
        SourceId = 1 << 7,
        Label = 1 << 8,
        ParamsJson = 1 << 9,
        OwnSource = 1 << 10,
    }

    /// <summary>Encodes an entry.</summary>
    public static byte[] Encode(LogEntry entry)
    {
        using var buffer = new MemoryStream(64 + entry.Events.Count * 160);
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Version);
            w.Write(entry.ProjectId);
            w.Write(entry.Source);
            w.Write7BitEncodedInt(entry.Events.Count);
            foreach (var e in entry.Events)
                WriteEvent(w, e, entry.Source);
            w.Write7BitEncodedInt(entry.Links.Count);
            foreach (var link in entry.Links)
            {
                WriteIdentifier(w, link.A);
                WriteIdentifier(w, link.B);
            }
            w.Write7BitEncodedInt(entry.Rejected.Count);
            foreach (var r in entry.Rejected)
            {
                w.Write(r.Time.Ticks);
                w.Write(r.Source);
                w.Write(r.Error);
                w.Write(r.Raw);
                w.Write7BitEncodedInt(r.Identifiers.Count);
                foreach (var id in r.Identifiers)
                    WriteIdentifier(w, id);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>Decodes an entry written by any version of <see cref="Encode"/>.</summary>
    /// <exception cref="InvalidDataException">The bytes are not an entry this code can read.</exception>
    public static LogEntry Decode(ReadOnlyMemory<byte> bytes)
    {
        var span = bytes.Span;
        if (span.IsEmpty || span[0] is not (1 or Version))
            throw new InvalidDataException($"Unknown log entry version {(span.IsEmpty ? "(empty)" : span[0].ToString())}.");
        var version = span[0];
        var segment = MemoryMarshal.TryGetArray(bytes, out var array) ? array : new ArraySegment<byte>(bytes.ToArray());
        using var stream = new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false);
        using var r = new BinaryReader(stream, Encoding.UTF8);
        r.ReadByte();
        return ReadEntry(r, version);
    }

    /// <summary>
    /// The project and the idempotency keys of an entry written by any version of <see cref="Encode"/>, in event
    /// order, read without building its events: the key indexer needs only these, for every entry the log takes.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not an entry this code can read.</exception>
    public static (string ProjectId, List<string> Keys) DecodeKeys(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty || bytes[0] is not (1 or Version))
            throw new InvalidDataException($"Unknown log entry version {(bytes.IsEmpty ? "(empty)" : bytes[0].ToString())}.");
        var r = new SpanCursor(bytes[1..]);
        var projectId = r.String();
        r.SkipString();
        var count = r.Count();
        var keys = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var fields = (Fields)r.Count();
            r.SkipString();
            r.Skip(2 * sizeof(long));
            if ((fields & Fields.Key) != 0)
                keys.Add(r.String());
            foreach (var field in (ReadOnlySpan<Fields>)[Fields.UserId, Fields.GuestId, Fields.SessionId, Fields.Experience, Fields.Variant])
            {
                if ((fields & field) != 0)
                    r.SkipString();
            }
            if ((fields & Fields.Target) != 0)
            {
                for (var pairs = r.Count(); pairs > 0; pairs--)
                {
                    r.SkipString();
                    r.SkipString();
                }
            }
            foreach (var field in (ReadOnlySpan<Fields>)[Fields.SourceId, Fields.Label, Fields.ParamsJson, Fields.OwnSource])
            {
                if ((fields & field) != 0)
                    r.SkipString();
            }
        }
        return (projectId, keys);
    }

    /// <summary>Reads what <see cref="BinaryWriter"/> wrote (7-bit counts, length-prefixed UTF-8) from a span.</summary>
    private ref struct SpanCursor(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _at;

        public int Count()
        {
            var value = 0;
            for (var shift = 0; shift < 35; shift += 7)
            {
                var b = Take(1)[0];
                value |= (b & 0x7F) << shift;
                if (b < 0x80)
                    return value >= 0 ? value : throw new InvalidDataException("A log entry holds a negative count.");
            }
            throw new InvalidDataException("A log entry holds a malformed count.");
        }

        public string String() => Encoding.UTF8.GetString(Take(Count()));

        public void SkipString() => Take(Count());

        public void Skip(int length) => Take(length);

        private ReadOnlySpan<byte> Take(int length)
        {
            if (length > _bytes.Length - _at)
                throw new InvalidDataException("A log entry ends early.");
            var taken = _bytes.Slice(_at, length);
            _at += length;
            return taken;
        }
    }

    private static LogEntry ReadEntry(BinaryReader r, byte version)
    {
        try
        {
            var projectId = r.ReadString();
            var source = r.ReadString();
            var events = new TrackedEvent[r.Read7BitEncodedInt()];
            for (var i = 0; i < events.Length; i++)
                events[i] = ReadEvent(r, source);
            var links = new IdentityLink[r.Read7BitEncodedInt()];
            for (var i = 0; i < links.Length; i++)
                links[i] = new IdentityLink(ReadIdentifier(r), ReadIdentifier(r));
            var rejected = new RejectedEvent[r.Read7BitEncodedInt()];
            for (var i = 0; i < rejected.Length; i++)
                rejected[i] = ReadRejected(r, version);
            return new LogEntry(projectId, source, events, links, rejected);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("A log entry ends early.", e);
        }
    }

    private static void WriteEvent(BinaryWriter w, TrackedEvent e, string entrySource)
    {
        var fields = (e.Key is null ? 0 : Fields.Key)
            | (e.UserId is null ? 0 : Fields.UserId)
            | (e.GuestId is null ? 0 : Fields.GuestId)
            | (e.SessionId is null ? 0 : Fields.SessionId)
            | (e.Experience is null ? 0 : Fields.Experience)
            | (e.Variant is null ? 0 : Fields.Variant)
            | (e.Target is null ? 0 : Fields.Target)
            | (e.SourceId is null ? 0 : Fields.SourceId)
            | (e.Label is null ? 0 : Fields.Label)
            | (e.ParamsJson is null ? 0 : Fields.ParamsJson)
            | (e.Source == entrySource ? 0 : Fields.OwnSource);
        w.Write7BitEncodedInt((int)fields);
        w.Write(e.Action);
        w.Write(e.Time.Ticks);
        w.Write(e.ReceivedAt.Ticks);
        WriteOptional(w, e.Key);
        WriteOptional(w, e.UserId);
        WriteOptional(w, e.GuestId);
        WriteOptional(w, e.SessionId);
        WriteOptional(w, e.Experience);
        WriteOptional(w, e.Variant);
        if (e.Target is not null)
        {
            w.Write7BitEncodedInt(e.Target.Count);
            foreach (var (kind, id) in e.Target)
            {
                w.Write(kind);
                w.Write(id);
            }
        }
        WriteOptional(w, e.SourceId);
        WriteOptional(w, e.Label);
        WriteOptional(w, e.ParamsJson);
        if ((fields & Fields.OwnSource) != 0)
            w.Write(e.Source);
    }

    private static RejectedEvent ReadRejected(BinaryReader r, byte version)
    {
        var rejected = new RejectedEvent(Utc(r.ReadInt64()), r.ReadString(), r.ReadString(), r.ReadString());
        if (version == 1)
            // Written before rejected events kept their identifiers: those in the body are found again (not headers').
            return rejected with { Identifiers = QuarantineIdentifiers.FromBody(rejected.Source, rejected.Raw) };
        var identifiers = new Identifier[r.Read7BitEncodedInt()];
        for (var i = 0; i < identifiers.Length; i++)
            identifiers[i] = ReadIdentifier(r);
        return rejected with { Identifiers = identifiers };
    }

    private static TrackedEvent ReadEvent(BinaryReader r, string entrySource)
    {
        var fields = (Fields)r.Read7BitEncodedInt();
        var action = r.ReadString();
        var time = Utc(r.ReadInt64());
        var receivedAt = Utc(r.ReadInt64());
        var key = ReadOptional(r, fields, Fields.Key);
        var userId = ReadOptional(r, fields, Fields.UserId);
        var guestId = ReadOptional(r, fields, Fields.GuestId);
        var sessionId = ReadOptional(r, fields, Fields.SessionId);
        var experience = ReadOptional(r, fields, Fields.Experience);
        var variant = ReadOptional(r, fields, Fields.Variant);
        Dictionary<string, string>? target = null;
        if ((fields & Fields.Target) != 0)
        {
            var count = r.Read7BitEncodedInt();
            target = new Dictionary<string, string>(count);
            for (var i = 0; i < count; i++)
                target[r.ReadString()] = r.ReadString();
        }
        return new TrackedEvent
        {
            Action = action,
            Time = time,
            ReceivedAt = receivedAt,
            Key = key,
            UserId = userId,
            GuestId = guestId,
            SessionId = sessionId,
            Experience = experience,
            Variant = variant,
            Target = target,
            SourceId = ReadOptional(r, fields, Fields.SourceId),
            Label = ReadOptional(r, fields, Fields.Label),
            ParamsJson = ReadOptional(r, fields, Fields.ParamsJson),
            Source = (fields & Fields.OwnSource) != 0 ? r.ReadString() : entrySource,
        };
    }

    private static void WriteIdentifier(BinaryWriter w, Identifier id)
    {
        w.Write((byte)id.Kind);
        w.Write(id.Value);
    }

    private static Identifier ReadIdentifier(BinaryReader r) => new((IdentifierKind)r.ReadByte(), r.ReadString());

    private static void WriteOptional(BinaryWriter w, string? value)
    {
        if (value is not null)
            w.Write(value);
    }

    private static string? ReadOptional(BinaryReader r, Fields fields, Fields field) =>
        (fields & field) != 0 ? r.ReadString() : null;

    private static DateTime Utc(long ticks) => new(ticks, DateTimeKind.Utc);
}
