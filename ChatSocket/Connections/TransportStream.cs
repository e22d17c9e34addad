using System.Buffers;
using System.IO.Pipelines;

namespace ChatSocket.Connections;

/// <summary>
/// A connection's raw transport (Kestrel's socket pipes) as the one <see cref="Stream"/> a <see cref="ChatConnection"/>
/// reads and writes, for the upgrade below HTTP. The framework's pipe streams do the work (zero-byte reads wait for
/// data without holding a buffer; each write is flushed); this only joins the two directions. Disposing it leaves the
/// pipes to Kestrel, which completes them when the connection ends. With a <paramref name="socketWriter"/>, writes
/// bypass the output pipe and go straight to the socket (<see cref="ChatOptions.DirectSocketWrites"/>).
/// </summary>
internal sealed class TransportStream(IDuplexPipe transport, SocketFrameWriter? socketWriter = null) : UpgradedStream
{
    private readonly Stream _input = transport.Input.AsStream(leaveOpen: true);
    private readonly Stream _output = transport.Output.AsStream(leaveOpen: true);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _input.ReadAsync(buffer, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        socketWriter is null ? _output.WriteAsync(buffer, cancellationToken) : socketWriter.WriteAsync(buffer, cancellationToken);

    /// <summary>Every frame in one gather send with a socket writer; otherwise copied into the output pipe, one flush.</summary>
    public override async ValueTask WriteAsync(IReadOnlyList<ReadOnlyMemory<byte>> frames, CancellationToken cancellationToken)
    {
        if (socketWriter is not null)
        {
            await socketWriter.WriteAsync(frames, cancellationToken);
            return;
        }

        var output = transport.Output;
        foreach (var frame in frames)
        {
            output.Write(frame.Span);
        }

        var flushed = await output.FlushAsync(cancellationToken);
        if (flushed.IsCanceled)
        {
            throw new OperationCanceledException("the flush was cancelled", cancellationToken);
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => _output.FlushAsync(cancellationToken);
}
