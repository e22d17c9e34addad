using System.Net;
using System.Net.Sockets;
using ChatSocket.Connections;

namespace ChatSocket.Tests.Connections;

/// <summary>
/// The direct socket writer over a real loopback TCP pair with 64 KiB buffers (smaller ones make loopback TCP crawl),
/// so that megabytes wait for the reader: every byte arrives once and in order, and a closed socket is an <see cref="IOException"/>.
/// </summary>
[TestFixture]
public sealed class SocketFrameWriterTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Test]
    public async Task A_batch_larger_than_one_gather_send_arrives_whole_and_in_order()
    {
        var (writerSocket, reader) = await PairAsync();
        using var _ = writerSocket;
        using var __ = reader;
        var frames = Enumerable.Range(0, 3_000).Select(i => (ReadOnlyMemory<byte>)Frame(i, 1 + (i % 300))).ToList();
        var expected = frames.SelectMany(f => f.ToArray()).ToArray();

        var reading = ReadExactlyAsync(reader, expected.Length);
        await new SocketFrameWriter(writerSocket).WriteAsync(frames, CancellationToken.None).AsTask().WaitAsync(Deadline);

        Assert.That(await reading.WaitAsync(Deadline), Is.EqualTo(expected));
    }

    [Test]
    public async Task A_peer_that_does_not_read_holds_the_write_until_it_reads_then_gets_every_byte()
    {
        var (writerSocket, reader) = await PairAsync();
        using var _ = writerSocket;
        using var __ = reader;
        // Slices of one array (segments at an offset) go out as they are.
        var big = Frame(7, 1_800_000);
        var frames = new List<ReadOnlyMemory<byte>> { big.AsMemory(0, 900_000), big.AsMemory(900_000), Frame(8, 10) };

        var writing = new SocketFrameWriter(writerSocket).WriteAsync(frames, CancellationToken.None).AsTask();
        await Task.Delay(200);
        Assert.That(writing.IsCompleted, Is.False, "1.8 MB cannot fit the socket buffers of a peer that does not read");

        var received = await ReadExactlyAsync(reader, 1_800_010).WaitAsync(Deadline);
        await writing.WaitAsync(Deadline);

        Assert.That(received, Is.EqualTo(big.Concat(Frame(8, 10)).ToArray()));
    }

    [Test]
    public async Task A_socket_closed_under_a_pending_write_ends_it_with_an_IOException()
    {
        var (writerSocket, reader) = await PairAsync();
        using var __ = reader;
        var writing = new SocketFrameWriter(writerSocket).WriteAsync([Frame(1, 4_000_000)], CancellationToken.None).AsTask();
        await Task.Delay(100);

        // What the connection's abort does to a send loop stuck on a peer that stopped reading.
        writerSocket.Dispose();

        Assert.That(async () => await writing.WaitAsync(Deadline), Throws.InstanceOf<IOException>());
    }

    [Test]
    public void On_Linux_the_immediate_send_is_available_so_these_tests_exercise_it()
    {
        // Without this the probe could turn the fast path off and every test here would pass on the slow one alone.
        Assert.That(ImmediateSend.IsSupported, Is.EqualTo(OperatingSystem.IsLinux()));
    }

    [Test]
    public async Task Frames_the_socket_has_room_for_are_sent_before_the_write_returns()
    {
        var (writerSocket, reader) = await PairAsync();
        using var _ = writerSocket;
        using var __ = reader;
        var frames = new List<ReadOnlyMemory<byte>> { Frame(1, 120), Frame(2, 7), Frame(3, 3_000) };

        var writing = new SocketFrameWriter(writerSocket).WriteAsync(frames, CancellationToken.None);

        Assert.That(writing.IsCompletedSuccessfully, Is.True, "an empty socket buffer takes 3 KB at once");
        Assert.That(await ReadExactlyAsync(reader, 3_127).WaitAsync(Deadline), Is.EqualTo(Frame(1, 120).Concat(Frame(2, 7)).Concat(Frame(3, 3_000)).ToArray()));
    }

    [Test]
    public async Task Many_small_writes_to_a_slow_reader_arrive_whole_and_in_order()
    {
        // Each write takes part of its frames at once and leaves the rest to wait for the socket, mid-frame.
        var (writerSocket, reader) = await PairAsync();
        using var _ = writerSocket;
        using var __ = reader;
        var writer = new SocketFrameWriter(writerSocket);
        var batches = Enumerable.Range(0, 40)
            .Select(b => Enumerable.Range(0, 1 + (b % 60)).Select(i => (ReadOnlyMemory<byte>)Frame(b + i, 500 + (7_919 * i % 9_000))).ToList())
            .ToList();
        var expected = batches.SelectMany(b => b).SelectMany(f => f.ToArray()).ToArray();

        var reading = ReadExactlyAsync(reader, expected.Length, slowly: true);
        foreach (var batch in batches)
        {
            await writer.WriteAsync(batch, CancellationToken.None).AsTask().WaitAsync(Deadline);
        }

        Assert.That(await reading.WaitAsync(Deadline), Is.EqualTo(expected));
    }

    [Test]
    public async Task A_write_to_a_closed_socket_is_an_IOException()
    {
        var (writerSocket, reader) = await PairAsync();
        using var __ = reader;
        var writer = new SocketFrameWriter(writerSocket);
        writerSocket.Dispose();

        Assert.That(async () => await writer.WriteAsync([Frame(1, 10)], CancellationToken.None), Throws.InstanceOf<IOException>());
    }

    [Test]
    public async Task A_write_to_a_peer_that_reset_the_connection_is_an_IOException()
    {
        var (writerSocket, reader) = await PairAsync();
        using var _ = writerSocket;
        var writer = new SocketFrameWriter(writerSocket);
        reader.LingerState = new LingerOption(true, 0);
        reader.Dispose(); // an RST

        // The first send may still be taken by the kernel before the reset is seen; a later one fails.
        var failed = false;
        for (var i = 0; i < 50 && !failed; i++)
        {
            try
            {
                await writer.WriteAsync([Frame(i, 100)], CancellationToken.None).AsTask().WaitAsync(Deadline);
                await Task.Delay(20);
            }
            catch (IOException)
            {
                failed = true;
            }
        }

        Assert.That(failed, Is.True, "a send to a reset connection fails with an IOException");
    }

    private static byte[] Frame(int seed, int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)(seed * 31 + i);
        }

        return bytes;
    }

    private static async Task<(Socket Writer, Socket Reader)> PairAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var writer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { SendBufferSize = 65_536 };
        var accepting = listener.AcceptSocketAsync();
        await writer.ConnectAsync(listener.LocalEndpoint).WaitAsync(Deadline);
        var reader = await accepting.WaitAsync(Deadline);
        reader.ReceiveBufferSize = 65_536;
        return (writer, reader);
    }

    // With slowly: in pieces of at most 50 KB with a pause after each, so that the writer's socket buffer fills and
    // drains many times.
    private static async Task<byte[]> ReadExactlyAsync(Socket socket, int length, bool slowly = false)
    {
        var buffer = new byte[length];
        var read = 0;
        while (read < length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read, slowly ? Math.Min(50_000, length - read) : length - read), SocketFlags.None);
            if (n == 0)
            {
                throw new IOException($"closed after {read} of {length} bytes");
            }

            read += n;
            if (slowly)
            {
                await Task.Delay(1);
            }
        }

        return buffer;
    }
}
