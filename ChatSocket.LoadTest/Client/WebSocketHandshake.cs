using System.Security.Cryptography;
using System.Text;

namespace ChatSocket.LoadTest.Client;

/// <summary>The client side of the HTTP/1.1 upgrade (RFC 6455 section 4.1).</summary>
internal static class WebSocketHandshake
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>A fresh random Sec-WebSocket-Key.</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

    /// <summary>The upgrade request for <paramref name="pathAndQuery"/> on <paramref name="host"/>.</summary>
    public static byte[] BuildRequest(string host, string pathAndQuery, string key) => Encoding.ASCII.GetBytes(
        $"GET {pathAndQuery} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n");

    /// <summary>Index just past the blank line that ends the response head, or -1 while it is incomplete.</summary>
    public static int FindEndOfHead(ReadOnlySpan<byte> data)
    {
        var at = data.IndexOf("\r\n\r\n"u8);
        return at < 0 ? -1 : at + 4;
    }

    /// <summary>Checks the response head: status 101 and the right Sec-WebSocket-Accept. Returns null when it is good,
    /// otherwise the reason (with the status line).</summary>
    public static string? Validate(ReadOnlySpan<byte> head, string key)
    {
        var text = Encoding.ASCII.GetString(head);
        var lines = text.Split("\r\n");
        var status = lines[0];
        var parts = status.Split(' ', 3);
        if (parts.Length < 2 || parts[1] != "101")
        {
            return $"upgrade refused: {status}";
        }

        var expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));
        foreach (var line in lines)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim().Equals("Sec-WebSocket-Accept", StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim() == expected ? null : "upgrade answered with a wrong Sec-WebSocket-Accept";
            }
        }

        return "upgrade answered without Sec-WebSocket-Accept";
    }
}
