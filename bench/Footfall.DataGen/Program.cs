using System.Diagnostics;
using System.Globalization;
using Footfall.DataGen;

// Writes a reproducible shop's history as native NDJSON events (bench/README.md):
//
//   dotnet run -c Release --project bench/Footfall.DataGen -- --events 10M [--seed 1] [--persons 5M] [--products 20000]
//       [--experiences 4] [--days 90] [--end 2026-11-30] [--out FILE (default stdout)]
//
// Progress and the rate go to stderr, so stdout can be piped.
var shape = new ShopShape
{
    Events = Count(Option("--events") ?? throw new ArgumentException("--events N is required (e.g. 1M, 10M, 100M)")),
    Seed = int.Parse(Option("--seed") ?? "1", CultureInfo.InvariantCulture),
    Persons = Count(Option("--persons") ?? "5M"),
    Products = (int)Count(Option("--products") ?? "20000"),
    Experiences = int.Parse(Option("--experiences") ?? "4", CultureInfo.InvariantCulture),
    Days = int.Parse(Option("--days") ?? "90", CultureInfo.InvariantCulture),
};
if (Option("--end") is { } end)
    shape = shape with { End = DateTime.SpecifyKind(DateTime.ParseExact(end, "yyyy-MM-dd", CultureInfo.InvariantCulture), DateTimeKind.Utc) };
var path = Option("--out");
await using var output = path is null ? Console.OpenStandardOutput() : File.Create(path, 1 << 20);
var clock = Stopwatch.StartNew();
new ShopHistory(shape).WriteTo(output, written =>
    Console.Error.WriteLine($"{written:N0} events, {written / clock.Elapsed.TotalSeconds:N0} events/s"));
var bytes = path is null ? 0 : new FileInfo(path).Length;
Console.Error.WriteLine($"wrote {shape.Events:N0} events{(path is null ? "" : $", {bytes / 1e6:N0} MB ({(double)bytes / shape.Events:N0} bytes/event)")} " +
    $"in {clock.Elapsed.TotalSeconds:N1} s: {shape.Events / clock.Elapsed.TotalSeconds:N0} events/s");

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

// 10M, 250K, 1000: a count with an optional K or M.
static long Count(string text) => text[^1] switch
{
    'M' or 'm' => long.Parse(text[..^1], CultureInfo.InvariantCulture) * 1_000_000,
    'K' or 'k' => long.Parse(text[..^1], CultureInfo.InvariantCulture) * 1_000,
    _ => long.Parse(text, CultureInfo.InvariantCulture),
};
