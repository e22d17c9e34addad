using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ChatSocket.LoadTest.Client;

/// <summary>
/// A lean client WebSocket over a raw <see cref="Socket"/>: it can bind its local address (so connections spread over
/// several loopback source addresses, which <see cref="System.Net.WebSockets.ClientWebSocket"/> cannot), it writes
/// every frame queued since the last write in one <c>send()</c>, and it reads many frames per <c>recv()</c> without
/// allocating. One send loop and one receive loop per connection; <see cref="RunAsync"/> owns both.
/// </summary>
internal sealed class WsConnection : IDisposable
{
    private const int InitialPendingBytes = 512;

    private readonly Socket _socket;
    private readonly int _maxPendingSend;
    private readonly int _maxFrame;
    private readonly bool _zeroByteReads;
    // Set when reads take the kernel's receive time (KernelReceiveClock); null for plain reads.
    private readonly SafeSocketHandle? _kernelTimedSocket;
    private readonly Lock _sendLock = new();
    private readonly SemaphoreSlim _sendSignal = new(0, 1);
    private byte[] _pending = [];
    private byte[] _spare = [];
    private int _pendingLength;
    private bool _signaled;
    private bool _closeQueued;
    private uint _maskState;
    private byte[]? _receiveBuffer;
    private int _receiveCount;
    private readonly FrameParser _parser;
    private long _sendDrops;

    private WsConnection(Socket socket, int maxPendingSend, int maxFrame, bool zeroByteReads, bool kernelReceiveTimes)
    {
        _socket = socket;
        _maxPendingSend = maxPendingSend;
        _maxFrame = maxFrame;
        _zeroByteReads = zeroByteReads;
        if (kernelReceiveTimes)
        {
            KernelReceiveClock.Enable(socket);
            _kernelTimedSocket = socket.SafeHandle;
        }

        _maskState = (uint)Random.Shared.Next(1, int.MaxValue);
        _parser = new FrameParser(maxFrame, payload => Enqueue(WebSocketOpcode.Pong, payload, bounded: false));
    }

    /// <summary>Messages refused because the connection's send backlog was full.</summary>
    public long SendDrops => Interlocked.Read(ref _sendDrops);

    /// <summary>Close status the server sent, if it sent one.</summary>
    public int? CloseStatus { get; private set; }

    /// <summary>The local endpoint (source address and port).</summary>
    public EndPoint? LocalEndPoint => _socket.LocalEndPoint;

    /// <summary>Opens a TCP connection from <paramref name="source"/> and performs the upgrade.</summary>
    /// <exception cref="WebSocketConnectException">The server refused or answered badly.</exception>
    public static async Task<WsConnection> ConnectAsync(
        IPEndPoint server, IPAddress source, string host, string pathAndQuery, ConnectionSettings settings, CancellationToken cancellationToken)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        WsConnection? connection = null;
        try
        {
            TryDeferPortChoice(socket);
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(server, cancellationToken);
            connection = new WsConnection(socket, settings.MaxPendingSendBytes, settings.MaxFrameBytes, settings.ZeroByteReads, settings.KernelReceiveTimes);
            await connection.UpgradeAsync(host, pathAndQuery, settings.ReceiveBufferBytes, cancellationToken);
            return connection;
        }
        catch
        {
            // Whatever failed, the socket is ours to release; the caller sees the original exception.
            connection?.ReturnBuffers();
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Queues a text frame. False (and counted) when the send backlog is full or the connection closing.</summary>
    public bool TrySendText(ReadOnlySpan<byte> payload) => Enqueue(WebSocketOpcode.Text, payload, bounded: true);

    /// <summary>Queues a close frame (status 1000); the server answers with its own close and the loops end.</summary>
    public void RequestClose()
    {
        Span<byte> status = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(status, 1000);
        Enqueue(WebSocketOpcode.Close, status, bounded: false);
    }

    /// <summary>Runs the send and receive loops until the server closes, the socket fails or
    /// <paramref name="cancellationToken"/> fires. Returns why it ended.</summary>
    public async Task<string> RunAsync(IFrameHandler handler, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sending = SendLoopAsync(stop.Token);
        var reason = "";
        string? sendFailure;
        try
        {
            reason = await ReceiveLoopAsync(handler, stop.Token);
        }
        finally
        {
            await stop.CancelAsync();
            sendFailure = await sending;
            _socket.Dispose();
            ReturnBuffers();
        }

        return reason.Length > 0 ? reason : sendFailure ?? "stopped";

        async Task<string> ReceiveLoopAsync(IFrameHandler frames, CancellationToken token)
        {
            try
            {
                return await ReceiveAsync(frames, token);
            }
            catch (OperationCanceledException)
            {
                // Our own stop: the run is over or a send failed.
                return "";
            }
            catch (SocketException e)
            {
                return "receive failed: " + e.SocketErrorCode;
            }
            catch (ObjectDisposedException)
            {
                // The send loop disposed the socket after a failed write; it reports the cause.
                return "";
            }
            catch (InvalidDataException e)
            {
                return "protocol violation: " + e.Message;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _socket.Dispose();
        _sendSignal.Dispose();
    }

    private bool Enqueue(WebSocketOpcode opcode, ReadOnlySpan<byte> payload, bool bounded)
    {
        var release = false;
        lock (_sendLock)
        {
            var need = FrameEncoder.FrameLength(payload.Length);
            if (_closeQueued)
            {
                // Nothing may follow a close frame.
                return false;
            }

            if (bounded && _pendingLength + need > _maxPendingSend)
            {
                _sendDrops++;
                return false;
            }

            if (_pendingLength + need > _pending.Length)
            {
                var grown = new byte[Math.Max(Math.Max(InitialPendingBytes, _pending.Length * 2), _pendingLength + need)];
                _pending.AsSpan(0, _pendingLength).CopyTo(grown);
                _pending = grown;
            }

            _pendingLength += FrameEncoder.Write(_pending.AsSpan(_pendingLength), opcode, payload, NextMask());
            _closeQueued |= opcode == WebSocketOpcode.Close;
            if (!_signaled)
            {
                _signaled = true;
                release = true;
            }
        }

        if (release)
        {
            _sendSignal.Release();
        }

        return true;
    }

    private uint NextMask()
    {
        // xorshift32: masks only have to vary, not be secret, between a benchmark client and a loopback server.
        var x = _maskState;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        _maskState = x;
        return x;
    }

    private async Task<string?> SendLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await _sendSignal.WaitAsync(cancellationToken);
                byte[] batch;
                int length;
                lock (_sendLock)
                {
                    batch = _pending;
                    length = _pendingLength;
                    _pending = _spare;
                    _spare = batch;
                    _pendingLength = 0;
                    _signaled = false;
                }

                var sent = 0;
                while (sent < length)
                {
                    sent += await _socket.SendAsync(batch.AsMemory(sent, length - sent), SocketFlags.None, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over or the receive side ended.
            return null;
        }
        catch (SocketException e)
        {
            _socket.Dispose();
            return "send failed: " + e.SocketErrorCode;
        }
        catch (ObjectDisposedException)
        {
            // The receive side ended first and released the socket.
            return null;
        }
    }

    private async Task UpgradeAsync(string host, string pathAndQuery, int receiveBufferBytes, CancellationToken cancellationToken)
    {
        var key = WebSocketHandshake.NewKey();
        var request = WebSocketHandshake.BuildRequest(host, pathAndQuery, key);
        await _socket.SendAsync(request, SocketFlags.None, cancellationToken);
        _receiveBuffer = ArrayPool<byte>.Shared.Rent(receiveBufferBytes);
        while (true)
        {
            var read = await _socket.ReceiveAsync(_receiveBuffer.AsMemory(_receiveCount), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                throw new WebSocketConnectException("connection closed during the upgrade");
            }

            _receiveCount += read;
            var end = WebSocketHandshake.FindEndOfHead(_receiveBuffer.AsSpan(0, _receiveCount));
            if (end < 0)
            {
                if (_receiveCount == _receiveBuffer.Length)
                {
                    throw new WebSocketConnectException("upgrade response head too large");
                }

                continue;
            }

            var problem = WebSocketHandshake.Validate(_receiveBuffer.AsSpan(0, end), key);
            if (problem is not null)
            {
                throw new WebSocketConnectException(problem);
            }

            // Bytes after the head are the first frames.
            _receiveBuffer.AsSpan(end, _receiveCount - end).CopyTo(_receiveBuffer);
            _receiveCount -= end;
            if (_zeroByteReads && _receiveCount == 0)
            {
                ArrayPool<byte>.Shared.Return(_receiveBuffer);
                _receiveBuffer = null;
            }

            return;
        }
    }

    private async Task<string> ReceiveAsync(IFrameHandler handler, CancellationToken cancellationToken)
    {
        var bufferSize = Math.Max(_receiveBuffer?.Length ?? 0, 16 * 1024);
        while (true)
        {
            if (_receiveBuffer is null)
            {
                // Idle connections wait without a buffer, so that thousands of them pin no memory.
                await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken);
                _receiveBuffer = ArrayPool<byte>.Shared.Rent(bufferSize);
            }

            if (_receiveCount == _receiveBuffer.Length)
            {
                throw new InvalidDataException("receive buffer full");
            }

            int read;
            long now;
            if (_kernelTimedSocket is not null)
            {
                read = KernelReceiveClock.Receive(_kernelTimedSocket, _receiveBuffer.AsSpan(_receiveCount), out now);
                if (read < 0)
                {
                    // Nothing there yet: wait for data without a read of our own (the next read takes the kernel's time).
                    await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken);
                    continue;
                }
            }
            else
            {
                read = await _socket.ReceiveAsync(_receiveBuffer.AsMemory(_receiveCount), SocketFlags.None, cancellationToken);
                now = Stopwatch.GetTimestamp();
            }

            if (read == 0)
            {
                return CloseStatus is null ? "server closed the TCP connection without a close frame" : $"closed by server ({CloseStatus})";
            }

            _receiveCount += read;
            var consumed = _parser.Parse(_receiveBuffer.AsSpan(0, _receiveCount), handler, now, out var needed, out var closeStatus);
            if (closeStatus is not null)
            {
                CloseStatus = closeStatus;

                // Echo the close, as RFC 6455 asks, unless we started the closing handshake ourselves.
                RequestClose();
                return $"closed by server ({CloseStatus})";
            }

            var rest = _receiveCount - consumed;
            if (rest > 0 && consumed > 0)
            {
                _receiveBuffer.AsSpan(consumed, rest).CopyTo(_receiveBuffer);
            }

            _receiveCount = rest;
            if (needed > _receiveBuffer.Length)
            {
                if (needed > _maxFrame + 14)
                {
                    throw new InvalidDataException($"a frame of {needed} bytes is over the limit");
                }

                var larger = ArrayPool<byte>.Shared.Rent(needed);
                _receiveBuffer.AsSpan(0, _receiveCount).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_receiveBuffer);
                _receiveBuffer = larger;
            }
            else if (_zeroByteReads && _receiveCount == 0)
            {
                ArrayPool<byte>.Shared.Return(_receiveBuffer);
                _receiveBuffer = null;
            }
        }
    }

    private void ReturnBuffers()
    {
        if (_receiveBuffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_receiveBuffer);
            _receiveBuffer = null;
        }

        _parser.ReturnBuffers();
    }

    private static void TryDeferPortChoice(Socket socket)
    {
        // IP_BIND_ADDRESS_NO_PORT (Linux): pick the ephemeral port at connect(), by the whole 4-tuple, so that a bound
        // source address does not use up ports that other destinations could share.
        const int SolIp = 0;
        const int IpBindAddressNoPort = 24;
        if (OperatingSystem.IsLinux())
        {
            try
            {
                socket.SetRawSocketOption(SolIp, IpBindAddressNoPort, BitConverter.GetBytes(1));
            }
            catch (SocketException)
            {
                // Older kernels lack the option; binding still works, with fewer ports per address.
            }
        }
    }
}
