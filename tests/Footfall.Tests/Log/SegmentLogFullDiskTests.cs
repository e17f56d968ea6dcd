using System.Diagnostics;
using Footfall.Events;
using Footfall.Log;
using Footfall.Tests.Support;

namespace Footfall.Tests.Log;

/// <summary>The log on a real full disk: an 8 MiB tmpfs mounted for the test (the tests run as root).</summary>
public sealed class SegmentLogFullDiskTests
{
    [Fact]
    public async Task AppendAsync_OnAFullDisk_FailsTypedKeepsEveryAcknowledgedEntryAndRecoversWhenSpaceReturns()
    {
        using var folder = new TempFolder();
        Mount(folder.Path);
        try
        {
            var logFolder = Path.Combine(folder.Path, "log");
            var filler = Path.Combine(folder.Path, "filler");
            await File.WriteAllBytesAsync(filler, new byte[6 << 20]);
            var options = new SegmentLogOptions { Folder = logFolder, SegmentBytes = 256 << 10 };
            var acknowledged = new List<string>();
            var failures = 0;
            await using (var log = SegmentLog.Open(options))
            {
                var next = 0;
                await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
                {
                    while (true)
                    {
                        var n = Interlocked.Increment(ref next);
                        try
                        {
                            await log.AppendAsync(Large(n));
                            lock (acknowledged) acknowledged.Add("k" + n);
                        }
                        catch (LogFullException)
                        {
                            Interlocked.Increment(ref failures);
                            return;
                        }
                    }
                })));

                Assert.Equal(8, failures);
                Assert.Equal(acknowledged.Order(), SegmentLogTests.Keys(log).Order());
            }

            await using var reopened = SegmentLog.Open(options);
            Assert.Equal(acknowledged.Order(), SegmentLogTests.Keys(reopened).Order());
            // The disk is still full, but for what the last failed group left: appends fail again once that is used.
            await Assert.ThrowsAsync<LogFullException>(async () =>
            {
                for (var n = -1000; n > -10_000; n--)
                {
                    await reopened.AppendAsync(Large(n));
                    acknowledged.Add("k" + n);
                }
            });
            Assert.Equal(acknowledged.Order(), SegmentLogTests.Keys(reopened).Order());

            File.Delete(filler);
            await reopened.AppendAsync(Large(-2));
            Assert.Equal("k-2", SegmentLogTests.Keys(reopened)[^1]);
        }
        finally
        {
            Run("umount", folder.Path);
        }
    }

    private static LogEntry Large(long n) => SegmentLogTests.Entry(n) with
    {
        Rejected = [new RejectedEvent(DateTime.UnixEpoch, EventSources.Native, "too large", new string('x', 4000))],
    };

    private static void Mount(string path) => Run("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", path);

    private static void Run(string command, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(command, args) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', args)} failed: {error}");
    }
}
