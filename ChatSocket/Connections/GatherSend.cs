using System.Net.Sockets;
using System.Threading.Tasks.Sources;

namespace ChatSocket.Connections;

/// <summary>
/// One gather send (<c>sendmsg</c>) in flight, taken from a pool shared by every connection. The socket's own
/// buffer-list send keeps an operation object of about 250 bytes on each socket for as long as the socket lives, and
/// makes a task per send; an idle connection needs neither, and a fan-out makes thousands of sends a second (issue 11).
/// Pool policy (<see cref="BoundedPool{T}"/>): a rent when the pool is empty makes a new one; a return when it holds
/// <see cref="MaxPooled"/> drops the returned one. A pooled operation still refers to the last socket it sent on (the
/// framework keeps it) until its next use: at most <see cref="MaxPooled"/> closed sockets are kept that way, never
/// their frames.
/// </summary>
internal sealed class GatherSend : SocketAsyncEventArgs, IValueTaskSource<int>
{
    /// <summary>Sends in flight at once are few (a send waits only on a full socket buffer): this many are kept.</summary>
    public const int MaxPooled = 256;

    /// <summary>An operation whose I/O vector a large batch grew past this many segments is not pooled.</summary>
    public const int MaxPooledSegments = 64;

    private static readonly BoundedPool<GatherSend> Pool = new(MaxPooled);

    // The I/O vector handed to the socket: this operation's own list, so that a send boxes no segment of the caller's
    // array (the socket copies it into its own list at once).
    private readonly List<ArraySegment<byte>> _segments = [];

    private ManualResetValueTaskSourceCore<int> _completion = new() { RunContinuationsAsynchronously = true };

    private GatherSend()
        : base(unsafeSuppressExecutionContextFlow: true)
    {
    }

    /// <summary>Sends <c>segments[offset..offset+count)</c> with a pooled operation; the bytes the socket took
    /// (possibly not all). Socket errors are <see cref="SocketException"/>s; a closed socket,
    /// <see cref="ObjectDisposedException"/>.</summary>
    public static async ValueTask<int> SendAsync(Socket socket, ArraySegment<byte>[] segments, int offset, int count)
    {
        if (!Pool.TryRent(out var send))
        {
            send = new GatherSend();
        }

        try
        {
            return await send.StartAsync(socket, segments, offset, count);
        }
        finally
        {
            // No frame stays referenced by a pooled operation.
            send.BufferList = null;
            send._segments.Clear();
            if (send._segments.Capacity > MaxPooledSegments || !Pool.TryReturn(send))
            {
                send.Dispose();
            }
        }
    }

    private ValueTask<int> StartAsync(Socket socket, ArraySegment<byte>[] segments, int offset, int count)
    {
        _completion.Reset();
        for (var i = offset; i < offset + count; i++)
        {
            _segments.Add(segments[i]);
        }

        BufferList = _segments;
        if (!socket.SendAsync(this))
        {
            // Completed at once (the usual case: the socket's buffer had room).
            return SocketError == SocketError.Success
                ? ValueTask.FromResult(BytesTransferred)
                : ValueTask.FromException<int>(new SocketException((int)SocketError));
        }

        return new ValueTask<int>(this, _completion.Version);
    }

    protected override void OnCompleted(SocketAsyncEventArgs e)
    {
        if (SocketError == SocketError.Success)
        {
            _completion.SetResult(BytesTransferred);
        }
        else
        {
            _completion.SetException(new SocketException((int)SocketError));
        }
    }

    int IValueTaskSource<int>.GetResult(short token) => _completion.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _completion.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _completion.OnCompleted(continuation, state, token, flags);
}
