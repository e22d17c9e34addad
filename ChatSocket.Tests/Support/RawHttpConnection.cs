using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace ChatSocket.Tests.Support;

/// <summary>
/// HTTP/1.1 on a bare TCP socket, for requests an HTTP client would not send as written (a head split into single
/// bytes, an oversized head, odd upgrade headers) and for responses read exactly as the server framed them. Every
/// read and write has the <see cref="ChatServer.Deadline"/>.
/// </summary>
internal sealed class RawHttpConnection : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawHttpConnection(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <summary>The socket's stream, to go on with WebSocket frames after a 101.</summary>
    public NetworkStream Stream => _stream;

    public static async Task<RawHttpConnection> OpenAsync(Uri server)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(server.Host, server.Port).WaitAsync(ChatServer.Deadline);
        return new RawHttpConnection(tcp);
    }

    /// <summary>Sends <paramref name="request"/> (ASCII), in writes of <paramref name="pieceSize"/> bytes when given.</summary>
    public async Task SendAsync(string request, int? pieceSize = null)
    {
        var bytes = Encoding.ASCII.GetBytes(request);
        var size = pieceSize ?? bytes.Length;
        for (var offset = 0; offset < bytes.Length; offset += size)
        {
            await _stream.WriteAsync(bytes.AsMemory(offset, Math.Min(size, bytes.Length - offset))).AsTask().WaitAsync(ChatServer.Deadline);
            await _stream.FlushAsync().WaitAsync(ChatServer.Deadline);
        }
    }

    /// <summary>Reads one response: the head, then a body framed by Content-Length or chunks (none for a 101).</summary>
    public async Task<RawHttpAnswer> ReadAnswerAsync()
    {
        var lines = (await ReadLineBlockAsync()).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var (name, value) = (line[..colon], line[(colon + 1)..].Trim());
            headers[name] = headers.TryGetValue(name, out var earlier) ? $"{earlier}, {value}" : value;
        }

        var body = new MemoryStream();
        if (status == 101)
        {
            // The WebSocket's bytes follow: nothing is a body.
        }
        else if (headers.TryGetValue("Content-Length", out var length))
        {
            await CopyExactlyAsync(body, int.Parse(length, CultureInfo.InvariantCulture));
        }
        else if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            while (true)
            {
                var size = int.Parse((await ReadLineAsync()).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                await CopyExactlyAsync(body, size);
                await ReadLineAsync();
                if (size == 0)
                {
                    break;
                }
            }
        }

        return new RawHttpAnswer(status, headers, Encoding.UTF8.GetString(body.ToArray()));
    }

    /// <summary>Whether the server closed the connection: the next read ends (or is reset) instead of waiting.</summary>
    public async Task<bool> IsClosedByServerAsync()
    {
        try
        {
            return await _stream.ReadAsync(new byte[1]).AsTask().WaitAsync(ChatServer.Deadline) == 0;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Everything the server sends until it closes the connection (ASCII).</summary>
    public async Task<string> ReadToCloseAsync()
    {
        var received = new MemoryStream();
        await _stream.CopyToAsync(received).WaitAsync(ChatServer.Deadline);
        return Encoding.ASCII.GetString(received.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }

    // Byte by byte up to the blank line, so that nothing after the head is consumed.
    private async Task<string> ReadLineBlockAsync()
    {
        var head = new StringBuilder();
        while (true)
        {
            var line = await ReadLineAsync();
            if (line.Length == 0)
            {
                return head.ToString();
            }

            head.Append(line).Append("\r\n");
        }
    }

    private async Task<string> ReadLineAsync()
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (!line.ToString().EndsWith("\r\n", StringComparison.Ordinal))
        {
            if (await _stream.ReadAsync(one).AsTask().WaitAsync(ChatServer.Deadline) == 0)
            {
                throw new EndOfStreamException($"the server closed the connection after {line}");
            }

            line.Append((char)one[0]);
        }

        return line.ToString()[..^2];
    }

    private async Task CopyExactlyAsync(Stream destination, int count)
    {
        var buffer = new byte[count];
        await _stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(ChatServer.Deadline);
        destination.Write(buffer);
    }
}
