using Footfall.ClickHouse;

namespace Footfall.Tests.Storage;

/// <summary>The ClickHouse connection string, as <c>--clickhouse</c> takes it.</summary>
public sealed class ClickHouseSettingsTests
{
    [Fact]
    public void Nodes_names_each_cluster_servers_HTTP_address_with_the_connections_protocol()
    {
        var settings = ClickHouseSettings.Parse("Host=ch1;Port=8123;Protocol=https;Nodes=ch1:8123, ch2:9123");

        Assert.Equal([new Uri("https://ch1:8123/"), new Uri("https://ch2:9123/")], settings.Nodes);
        Assert.Empty(ClickHouseSettings.Parse("Host=ch1;Port=8123").Nodes);
    }

    [Theory]
    [InlineData("ch2")]
    [InlineData("ch2:8123/x")]
    [InlineData("ch2:port")]
    public void A_Nodes_entry_that_is_not_host_and_port_is_refused_by_name(string entry)
    {
        var refused = Assert.Throws<ArgumentException>(() => ClickHouseSettings.Parse($"Host=ch1;Nodes=ch1:8123,{entry}"));
        Assert.Contains($"Nodes entry '{entry}' is not host:port", refused.Message, StringComparison.Ordinal);
    }
}
