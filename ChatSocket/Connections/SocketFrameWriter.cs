using System.Buffers;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace ChatSocket.Connections;

/// <summary>
/// Writes frames straight to a connection's socket, many in one gather send (<c>sendmsg</c> with an I/O vector), so
/// that a broadcast frame shared by a room is never copied per member. Only one write runs at a time (the send loop's).
/// The socket's errors become <see cref="IOException"/>, as a stream's would; cancellation is by closing the socket
/// (the connection's abort), which ends a pending send with an error.
/// </summary>
internal sealed class SocketFrameWriter(Socket socket) : IGatherWriter
{
    // Below the kernel's IOV_MAX (1,024): a larger batch goes out in several sends.
    private const int MaxSegments = 512;

    // The descriptor for immediate sends (Linux); null: every write takes the asynchronous path.
    private readonly SafeSocketHandle? _handle = ImmediateSend.IsSupported ? socket.SafeHandle : null;

    /// <summary>Writes every frame: at once when the socket's buffer takes them (the usual case: the write completes
    /// on this thread, before it returns), else what is left waits for the socket.</summary>
    public ValueTask WriteAsync(IReadOnlyList<ReadOnlyMemory<byte>> frames, CancellationToken cancellationToken)
    {
        var sent = 0L;
        if (_handle is not null && frames.Count is > 0 and <= ImmediateSend.MaxSegments)
        {
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                sent = ImmediateSend.Send(_handle, frames);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException)
            {
                return ValueTask.FromException(ex);
            }

            // Indexed: a foreach through the interface would box the list's enumerator on every delivery.
            var total = 0L;
            for (var i = 0; i < frames.Count; i++)
            {
                total += frames[i].Length;
            }

            if (sent == total)
            {
                return ValueTask.CompletedTask;
            }
        }

        return WriteRestAsync(frames, sent, cancellationToken);
    }

    /// <summary>Writes one buffer.</summary>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken) => WriteAsync([buffer], cancellationToken);

    // The frames but their first `skip` bytes (an immediate send took those), by asynchronous gather sends.
    private async ValueTask WriteRestAsync(IReadOnlyList<ReadOnlyMemory<byte>> frames, long skip, CancellationToken cancellationToken)
    {
        var segments = ArrayPool<ArraySegment<byte>>.Shared.Rent(Math.Min(frames.Count, MaxSegments));
        try
        {
            var next = 0;
            while (next < frames.Count)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var count = 0;
                var bytes = 0;
                for (; next < frames.Count && count < segments.Length; next++)
                {
                    var frame = frames[next];
                    if (skip >= frame.Length)
                    {
                        skip -= frame.Length;
                        continue;
                    }

                    frame = frame[(int)skip..];
                    skip = 0;
                    segments[count++] = MemoryMarshal.TryGetArray(frame, out var segment) ? segment : new ArraySegment<byte>(frame.ToArray());
                    bytes += frame.Length;
                }

                if (count > 0)
                {
                    await SendAllAsync(segments, count, bytes);
                }
            }
        }
        finally
        {
            ArrayPool<ArraySegment<byte>>.Shared.Return(segments, clearArray: true);
        }
    }

    // Sends segments[0..count) whole: a send that takes part of them is followed by one for the rest.
    private async Task SendAllAsync(ArraySegment<byte>[] segments, int count, int bytes)
    {
        var first = 0;
        try
        {
            while (true)
            {
                var sent = await GatherSend.SendAsync(socket, segments, first, count - first);
                bytes -= sent;
                if (bytes <= 0)
                {
                    return;
                }

                if (sent == 0)
                {
                    throw new IOException("the socket accepted no bytes");
                }

                // Skip what went out; the first segment left may have gone out in part.
                while (sent >= segments[first].Count)
                {
                    sent -= segments[first].Count;
                    first++;
                }

                segments[first] = segments[first].Slice(sent);
            }
        }
        catch (SocketException ex)
        {
            throw new IOException($"the connection's socket failed: {ex.SocketErrorCode}", ex);
        }
        catch (ObjectDisposedException ex)
        {
            throw new IOException("the connection's socket is closed", ex);
        }
    }
}
