using System.Buffers.Binary;
using System.Numerics;

namespace Footfall.Log;

/// <summary>CRC-32C of a frame: its length, then its payload (the CPU's crc32 instruction where there is one).</summary>
internal static class Crc32C
{
    public static uint Frame(uint length, ReadOnlySpan<byte> payload)
    {
        var crc = BitOperations.Crc32C(~0u, length);
        while (payload.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(payload));
            payload = payload[8..];
        }
        foreach (var b in payload)
            crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }
}
