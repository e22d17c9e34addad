using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace ChatSocket.Transport;

/// <summary>
/// A socket as Kestrel's duplex pipe, for the connections that need one (HTTP requests, TLS): a receive loop fills
/// the input pipe and a send loop drains the output pipe. The receive loop waits for data with a zero-byte receive,
/// so a quiet connection holds no buffer. When the application completes the output, the socket is shut down, which
/// ends the receive loop too.
/// </summary>
internal sealed class SocketPipes : IDuplexPipe
{
    // Kestrel's defaults: MaxRequestBufferSize 1 MB in, MaxResponseBufferSize 64 KB out.
    private static readonly PipeOptions InputOptions = new(
        readerScheduler: PipeScheduler.ThreadPool, writerScheduler: PipeScheduler.Inline,
        pauseWriterThreshold: 1024 * 1024, resumeWriterThreshold: 512 * 1024, useSynchronizationContext: false);

    private static readonly PipeOptions OutputOptions = new(
        readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.ThreadPool,
        pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024, useSynchronizationContext: false);

    private readonly Socket _socket;
    private readonly Pipe _input = new(InputOptions);
    private readonly Pipe _output = new(OutputOptions);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;
    private readonly Task _sending;

    /// <summary>Starts both loops; the input begins with <paramref name="unread"/>. <paramref name="receiveEnded"/>
    /// runs once when the receive side ends (the peer's FIN, a reset, or the socket closed).</summary>
    public SocketPipes(Socket socket, byte[]? unread, Action receiveEnded)
    {
        _socket = socket;
        _receiving = ReceiveAsync(unread, receiveEnded, _stop.Token);
        _sending = SendAsync(_stop.Token);
    }

    public PipeReader Input => _input.Reader;

    public PipeWriter Output => _output.Writer;

    /// <summary>Completes when both loops have ended.</summary>
    public Task Completion => Task.WhenAll(_receiving, _sending);

    private async Task ReceiveAsync(byte[]? unread, Action receiveEnded, CancellationToken aborted)
    {
        var writer = _input.Writer;
        Exception? error = null;
        try
        {
            if (unread is not null)
            {
                writer.Write(unread);
                if ((await writer.FlushAsync(aborted)).IsCompleted)
                {
                    return;
                }
            }

            while (true)
            {
                // Waits without a buffer: memory is taken only once bytes are there.
                await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, aborted);
                var memory = writer.GetMemory();
                var received = await _socket.ReceiveAsync(memory, SocketFlags.None, aborted);
                if (received == 0)
                {
                    break;
                }

                writer.Advance(received);
                var flushed = await writer.FlushAsync(aborted);
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer reset, or the connection was aborted or shut down: the reader sees why.
            error = ex is SocketException { SocketErrorCode: SocketError.ConnectionReset } reset
                ? new ConnectionResetException(reset.Message, reset)
                : new ConnectionAbortedException(ex.Message, ex);
        }
        finally
        {
            await writer.CompleteAsync(error);
            receiveEnded();
        }
    }

    private async Task SendAsync(CancellationToken aborted)
    {
        var reader = _output.Reader;
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(aborted);
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                {
                    var sent = 0;
                    while (sent < segment.Length)
                    {
                        sent += await _socket.SendAsync(segment[sent..], SocketFlags.None, aborted);
                    }
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            error = new ConnectionAbortedException(ex.Message, ex);
        }
        finally
        {
            await reader.CompleteAsync(error);
            // The application is done writing (or the peer is gone): the peer gets its FIN, the receive loop ends.
            Shutdown(_socket);
        }
    }

    /// <summary>Ends both loops at once (the connection is aborted): waits on the pipes end too.</summary>
    public void Stop() => _stop.Cancel();

    /// <summary>Shuts both directions down and closes the socket; safe to call more than once.</summary>
    public static void Shutdown(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already reset or closed.
        }

        socket.Dispose();
    }
}
