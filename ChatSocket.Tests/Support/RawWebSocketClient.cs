using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ChatSocket.Tests.Support;

/// <summary>
/// A WebSocket client written on a bare TCP socket, for what <see cref="System.Net.WebSockets.ClientWebSocket"/>
/// refuses to send: invalid UTF-8, unmasked or oversized frames, odd fragmentation, raw control frames. It performs
/// the opening handshake itself and reads server frames one by one.
/// </summary>
internal sealed class RawWebSocketClient : IAsyncDisposable
{
    private readonly RawHttpConnection _http;
    private readonly Stream _stream;

    private RawWebSocketClient(RawHttpConnection http)
    {
        _http = http;
        _stream = http.Stream;
    }

    /// <summary>Opens TCP to the server and sends an upgrade request; returns the client and the HTTP status line's code.</summary>
    public static async Task<(RawWebSocketClient Client, int Status)> ConnectAsync(Uri webSocketUri, string? origin = null)
    {
        var http = await RawHttpConnection.OpenAsync(webSocketUri);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = new StringBuilder()
            .Append($"GET {webSocketUri.PathAndQuery} HTTP/1.1\r\n")
            .Append($"Host: {webSocketUri.Authority}\r\n")
            .Append("Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n")
            .Append($"Sec-WebSocket-Key: {key}\r\n");
        if (origin is not null)
        {
            request.Append($"Origin: {origin}\r\n");
        }

        await http.SendAsync(request.Append("\r\n").ToString());
        var answer = await http.ReadAnswerAsync();
        return (new RawWebSocketClient(http), answer.Status);
    }

    /// <summary>The WebSocket of a connection whose upgrade was sent and answered with 101 by the caller; disposing
    /// it disposes <paramref name="http"/>.</summary>
    public static RawWebSocketClient Over(RawHttpConnection http) => new(http);

    /// <summary>Sends one masked frame with the given first byte (FIN, RSV, opcode) and payload.</summary>
    public Task SendFrameAsync(byte firstByte, ReadOnlySpan<byte> payload, bool mask = true)
    {
        var header = new byte[14];
        header[0] = firstByte;
        var length = 2;
        var maskBit = mask ? (byte)0x80 : (byte)0;
        if (payload.Length <= 125)
        {
            header[1] = (byte)(maskBit | payload.Length);
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            header[1] = (byte)(maskBit | 126);
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)payload.Length);
            length = 4;
        }
        else
        {
            header[1] = (byte)(maskBit | 127);
            BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(2), (ulong)payload.Length);
            length = 10;
        }

        var frame = new byte[length + (mask ? 4 : 0) + payload.Length];
        header.AsSpan(0, length).CopyTo(frame);
        var body = frame.AsSpan(frame.Length - payload.Length);
        payload.CopyTo(body);
        if (mask)
        {
            var key = RandomNumberGenerator.GetBytes(4);
            key.CopyTo(frame, length);
            for (var i = 0; i < body.Length; i++)
            {
                body[i] ^= key[i & 3];
            }
        }

        return _stream.WriteAsync(frame).AsTask().WaitAsync(ChatServer.Deadline);
    }

    /// <summary>Sends a final text frame with raw (possibly invalid) UTF-8 bytes.</summary>
    public Task SendTextAsync(ReadOnlySpan<byte> utf8) => SendFrameAsync(0x81, utf8);

    /// <summary>Reads the next server frame: its opcode and payload. Fails if the server sends a masked frame.</summary>
    public async Task<(int Opcode, byte[] Payload)> ReceiveFrameAsync()
    {
        var header = await ReadExactlyAsync(2);
        Assert.That(header[1] & 0x80, Is.Zero, "server frames are not masked");
        long length = header[1] & 0x7F;
        if (length == 126)
        {
            length = BinaryPrimitives.ReadUInt16BigEndian(await ReadExactlyAsync(2));
        }
        else if (length == 127)
        {
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(await ReadExactlyAsync(8));
        }

        return (header[0] & 0x0F, await ReadExactlyAsync((int)length));
    }

    /// <summary>Reads frames until a close frame; returns its status code.</summary>
    public async Task<int> ReceiveCloseCodeAsync()
    {
        while (true)
        {
            var (opcode, payload) = await ReceiveFrameAsync();
            if (opcode == 0x8)
            {
                return BinaryPrimitives.ReadUInt16BigEndian(payload);
            }
        }
    }

    /// <summary>Reads frames until a text frame; returns it.</summary>
    public async Task<string> ReceiveTextAsync()
    {
        while (true)
        {
            var (opcode, payload) = await ReceiveFrameAsync();
            if (opcode == 0x1)
            {
                return Encoding.UTF8.GetString(payload);
            }
        }
    }

    /// <summary>Reads until the server closes the TCP connection; returns the number of bytes skipped.</summary>
    public async Task<long> ReadToEndAsync()
    {
        var buffer = new byte[4096];
        long skipped = 0;
        int read;
        while ((read = await _stream.ReadAsync(buffer).AsTask().WaitAsync(ChatServer.Deadline)) > 0)
        {
            skipped += read;
        }

        return skipped;
    }

    public ValueTask DisposeAsync() => _http.DisposeAsync();

    private async Task<byte[]> ReadExactlyAsync(int count)
    {
        var buffer = new byte[count];
        await _stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(ChatServer.Deadline);
        return buffer;
    }
}
