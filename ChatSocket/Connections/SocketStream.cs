using System.Net.Sockets;

namespace ChatSocket.Connections;

/// <summary>
/// A WebSocket's socket itself as its stream, on the lean transport (<see cref="ChatOptions.LeanTransport"/>): no pipes
/// between the socket and the chat. Reads go through a <see cref="NetworkStream"/>, whose receives reuse one cached
/// operation per socket and fail as <see cref="IOException"/>; a zero-byte read waits for data without a buffer.
/// Bytes the client sent right behind its upgrade request (<paramref name="early"/>) are read first. Writes are the
/// <see cref="SocketFrameWriter"/>'s gather sends. The socket is the connection's, closed by the transport.
/// </summary>
internal sealed class SocketStream(Socket socket, SocketFrameWriter writer, byte[]? early) : UpgradedStream
{
    private readonly NetworkStream _input = new(socket, ownsSocket: false);
    private byte[]? _early = early;
    private int _earlyRead;

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_early is null)
        {
            return _input.ReadAsync(buffer, cancellationToken);
        }

        var count = Math.Min(buffer.Length, _early.Length - _earlyRead);
        _early.AsSpan(_earlyRead, count).CopyTo(buffer.Span);
        _earlyRead += count;
        if (_earlyRead == _early.Length)
        {
            _early = null;
        }

        return ValueTask.FromResult(count);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        writer.WriteAsync(buffer, cancellationToken);

    public override ValueTask WriteAsync(IReadOnlyList<ReadOnlyMemory<byte>> frames, CancellationToken cancellationToken) =>
        writer.WriteAsync(frames, cancellationToken);

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _input.Dispose();
        }

        base.Dispose(disposing);
    }
}
