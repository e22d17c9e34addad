using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ChatSocket.LoadTest.Client;

namespace ChatSocket.Tests.LoadTest;

/// <summary>
/// The kernel's receive stamp dates a read from when its data reached the socket, not from when it was read: data
/// left waiting in the socket keeps its arrival time. Nothing there reads as "not yet"; a closed peer as 0 bytes.
/// </summary>
[TestFixture]
public sealed class KernelReceiveClockTests
{
    private const int MaxProbes = 500;

    [Test]
    public async Task Data_left_waiting_in_the_socket_keeps_the_time_it_arrived()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!).WaitAsync(TimeSpan.FromSeconds(5));
        using var server = await listener.AcceptAsync().WaitAsync(TimeSpan.FromSeconds(5));
        KernelReceiveClock.Enable(client);
        var handle = client.SafeHandle;
        var buffer = new byte[64];
        var probes = await ProbeUntilStampedAsync(server, client, buffer);

        var before = KernelReceiveClock.Receive(handle, buffer, out _);
        var sending = Stopwatch.GetTimestamp();
        await server.SendAsync("hello"u8.ToArray()).WaitAsync(TimeSpan.FromSeconds(5));
        var sent = Stopwatch.GetTimestamp();
        await Task.Delay(200);
        var stamped = KernelReceiveClock.StampedReads;
        var read = KernelReceiveClock.Receive(handle, buffer, out var arrived);
        var readAt = Stopwatch.GetTimestamp();
        server.Shutdown(SocketShutdown.Send);
        await Task.Delay(50);
        var atEnd = KernelReceiveClock.Receive(handle, buffer, out _);

        Assert.Multiple(() =>
        {
            Assert.That(probes, Is.LessThan(MaxProbes), "the kernel began stamping");
            Assert.That(before, Is.EqualTo(-1), "nothing sent yet");
            Assert.That(read, Is.EqualTo(5));
            Assert.That(buffer.AsSpan(0, 5).SequenceEqual("hello"u8), Is.True);
            Assert.That(KernelReceiveClock.StampedReads, Is.GreaterThan(stamped), "the read carried the kernel's stamp");
            Assert.That(arrived, Is.InRange(sending - (Stopwatch.Frequency / 1000), sent + (Stopwatch.Frequency / 1000)), "dated from its arrival, while it was sent");
            Assert.That(Stopwatch.GetElapsedTime(arrived, readAt), Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(190)), "not from the read, 200 ms later");
            Assert.That(atEnd, Is.Zero, "the peer closed");
        });
    }

    /// <summary>
    /// Linux turns receive stamping on for the whole machine a moment after a socket first asks (a deferred switch), so
    /// a segment that arrives just after <see cref="KernelReceiveClock.Enable"/> may carry no stamp. Sends one byte
    /// at a time until one comes back stamped; returns how many it took.
    /// </summary>
    private static async Task<int> ProbeUntilStampedAsync(Socket server, Socket client, byte[] buffer)
    {
        for (var probe = 1; probe < MaxProbes; probe++)
        {
            var stamped = KernelReceiveClock.StampedReads;
            await server.SendAsync("p"u8.ToArray()).WaitAsync(TimeSpan.FromSeconds(5));

            // The load tool's wait for data: a zero-byte receive, which leaves the byte for the stamped read.
            await client.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
            Assert.That(KernelReceiveClock.Receive(client.SafeHandle, buffer, out _), Is.EqualTo(1), "the probe byte");
            if (KernelReceiveClock.StampedReads > stamped)
            {
                return probe;
            }

            await Task.Delay(5);
        }

        return MaxProbes;
    }
}
