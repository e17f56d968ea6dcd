// A backend tracking a small shopping session into Footfall, then reading it back.
// Run a server first (`footfall serve`), then:
//   dotnet run --project samples/dotnet -- http://127.0.0.1:8080 DATA/default-project.json
using System.Text.Json;
using Footfall.Client;

var host = args.ElementAtOrDefault(0) ?? "http://127.0.0.1:8080";
var keysFile = args.ElementAtOrDefault(1) ?? "data/default-project.json";
using var keys = JsonDocument.Parse(File.ReadAllText(keysFile));
var options = new FootfallClientOptions
{
    Host = host,
    ProjectId = keys.RootElement.GetProperty("id").GetString()!,
    SecretKey = keys.RootElement.GetProperty("secretKey").GetString(),
    OnDeliveryFailure = failure => Console.Error.WriteLine($"refused ({failure.StatusCode}): {failure.Reason}"),
};

var guest = PersonId.Guest("sample-guest-" + Guid.NewGuid().ToString("N")[..8]);
var user = PersonId.User("sample-user-" + Guid.NewGuid().ToString("N")[..8]);
await using (var footfall = new FootfallClient(options))
{
    footfall.CategoryView(guest, "shoes");
    footfall.ProductView(guest, "sku-1");
    footfall.AddToCart(guest, "sku-1", quantity: 2);
    // Signing in: the guest's browsing joins the user's history.
    footfall.Identify(guest.GuestId!, user.UserId!);
    footfall.Purchase(user, "sku-1", price: 49.90m, quantity: 2);
    await footfall.FlushAsync();
    Console.WriteLine($"delivered {footfall.DeliveredEvents}, failed {footfall.FailedEvents}, dropped {footfall.DroppedEvents}");
}

var reader = new FootfallReadClient(new HttpClient(), options);
foreach (var e in await reader.GetActivityAsync(user))
    Console.WriteLine($"{e.Time:u}  {e.Action,-22} {string.Join(", ", e.Target?.Select(t => $"{t.Key}={t.Value}") ?? [])}");
