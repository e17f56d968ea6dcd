using System.Buffers.Binary;

namespace Footfall.Log;

/// <summary>
/// The frame around each entry in a segment file: 4 bytes of payload length, 4 bytes of CRC-32C over length and
/// payload, then the payload. A frame whose length does not fit or whose CRC does not match is where a crash tore
/// the tail: recovery cuts the file there.
/// </summary>
internal static class SegmentFrame
{
    public const int HeaderBytes = 8;

    public static int Write(Span<byte> destination, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], Crc32C.Frame((uint)payload.Length, payload));
        payload.CopyTo(destination[HeaderBytes..]);
        return HeaderBytes + payload.Length;
    }

    /// <summary>
    /// Reads the frame at the stream's position if a whole, intact one lies before <paramref name="limit"/> bytes
    /// from it; null otherwise (the stream's position is then unspecified).
    /// </summary>
    public static byte[]? TryRead(Stream stream, long limit)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        if (limit < HeaderBytes || stream.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false) < HeaderBytes)
            return null;
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (length == 0 || length > limit - HeaderBytes)
            return null;
        var payload = new byte[length];
        if (stream.ReadAtLeast(payload, payload.Length, throwOnEndOfStream: false) < payload.Length)
            return null;
        return Crc32C.Frame(length, payload) == crc ? payload : null;
    }
}
