using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace ChatSocket.Connections;

/// <summary>
/// The HTTP/1.1 responses of the upgrade below HTTP, written as bytes: the 101 that switches to WebSocket, and a
/// refusal rendered by <see cref="UpgradeRefusal"/> into a detached response, with the status line and the Date and
/// Server headers Kestrel would add. A refusal ends the connection (<c>Connection: close</c>), so its framing is a
/// Content-Length.
/// </summary>
internal static class RawHttpResponse
{
    /// <summary>101 Switching Protocols with the client key's accept value.</summary>
    public static byte[] SwitchingProtocols(string accept, bool serverHeader)
    {
        var head = StatusLine(StatusCodes.Status101SwitchingProtocols)
            .Append("Connection: Upgrade\r\n");
        CommonHeaders(head, serverHeader)
            .Append("Upgrade: websocket\r\n")
            .Append(HeaderNames.SecWebSocketAccept).Append(": ").Append(accept).Append("\r\n\r\n");
        return Encoding.ASCII.GetBytes(head.ToString());
    }

    /// <summary>The status, headers and <paramref name="body"/> of a response written to a detached context.</summary>
    public static byte[] Refusal(HttpResponse response, ReadOnlySpan<byte> body, bool serverHeader)
    {
        var head = StatusLine(response.StatusCode).Append("Connection: close\r\n");
        CommonHeaders(head, serverHeader);
        foreach (var (name, values) in response.Headers)
        {
            foreach (var value in values)
            {
                head.Append(name).Append(": ").Append(value).Append("\r\n");
            }
        }

        head.Append("Content-Length: ").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n\r\n");
        var bytes = new byte[Encoding.ASCII.GetByteCount(head.ToString()) + body.Length];
        var written = Encoding.ASCII.GetBytes(head.ToString(), bytes);
        body.CopyTo(bytes.AsSpan(written));
        return bytes;
    }

    private static StringBuilder StatusLine(int status) =>
        new StringBuilder("HTTP/1.1 ").Append(status.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(ReasonPhrases.GetReasonPhrase(status)).Append("\r\n");

    private static StringBuilder CommonHeaders(StringBuilder head, bool serverHeader)
    {
        head.Append("Date: ").Append(DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture)).Append("\r\n");
        return serverHeader ? head.Append("Server: Kestrel\r\n") : head;
    }
}
