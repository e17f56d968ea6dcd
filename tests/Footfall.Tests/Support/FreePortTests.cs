namespace Footfall.Tests.Support;

/// <summary>The test servers' port allocator (<see cref="ServerProcess.FreePort"/>).</summary>
public class FreePortTests
{
    /// <summary>
    /// Bug: ports came from binding port 0, i.e. from the kernel's ephemeral range, which it also hands to outgoing
    /// connections: after a kill -9, a connection of a test running beside could take the killed server's port before
    /// its restart, which then failed (CI: clickhouse-server exited with 70 restarting in a ClickHouse fault test).
    /// </summary>
    [Fact]
    public void Regression_ARestartedServersPortCouldGoToAnOutgoingConnection_PortsLieBelowTheEphemeralRangeAndAreNeverReused()
    {
        var ports = Enumerable.Range(0, 200).Select(_ => ServerProcess.FreePort()).ToList();
        Assert.All(ports, port => Assert.InRange(port, 1024, ServerProcess.EphemeralStart - 1));
        Assert.Equal(ports.Count, ports.Distinct().Count());
    }
}
