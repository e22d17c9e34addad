using System.Security.Cryptography;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace ChatSocket.WebSockets;

/// <summary>Server side of the RFC 6455 opening handshake (section 4.2), without the framework's WebSocket middleware.</summary>
internal static class WebSocketHandshake
{
    private const string SupportedVersion = "13";

    private static ReadOnlySpan<byte> KeyGuid => "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"u8;

    /// <summary>
    /// Checks that a request (its <paramref name="method"/> and <paramref name="headers"/>, whether Kestrel parsed them
    /// or the upgrade below HTTP did) asks for a version 13 WebSocket. Returns null when it does, else the HTTP status
    /// to answer with (400, or 426 for another protocol version) and why.
    /// </summary>
    public static (int Status, string Reason)? Validate(string method, IHeaderDictionary headers, out string key)
    {
        key = headers[HeaderNames.SecWebSocketKey].ToString();
        if (!HttpMethods.IsGet(method))
        {
            return (StatusCodes.Status400BadRequest, "a WebSocket upgrade must be a GET");
        }

        if (!AsksForWebSocket(headers))
        {
            return (StatusCodes.Status400BadRequest, "expected Connection: Upgrade and Upgrade: websocket");
        }

        if (!string.Equals(headers[HeaderNames.SecWebSocketVersion].ToString(), SupportedVersion, StringComparison.Ordinal))
        {
            return (StatusCodes.Status426UpgradeRequired, "only Sec-WebSocket-Version 13 is supported");
        }

        if (!IsValidKey(key))
        {
            return (StatusCodes.Status400BadRequest, "Sec-WebSocket-Key must be 16 bytes in base64");
        }

        return null;
    }

    /// <summary>Whether the headers ask to switch to WebSocket: <c>Connection: Upgrade</c> and <c>Upgrade: websocket</c>.</summary>
    public static bool AsksForWebSocket(IHeaderDictionary headers) =>
        HasToken(headers[HeaderNames.Connection], "upgrade") && HasToken(headers[HeaderNames.Upgrade], "websocket");

    /// <summary>The Sec-WebSocket-Accept value for a client key: base64(SHA-1(key + GUID)).</summary>
    public static string ComputeAccept(string key)
    {
        Span<byte> input = stackalloc byte[64 + 36];
        var keyLength = Encoding.ASCII.GetBytes(key, input);
        KeyGuid.CopyTo(input[keyLength..]);
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        // SHA-1 is what RFC 6455 prescribes here; it is a fingerprint of the key, not a security primitive.
#pragma warning disable CA5350
        SHA1.HashData(input[..(keyLength + KeyGuid.Length)], hash);
#pragma warning restore CA5350
        return Convert.ToBase64String(hash);
    }

    private static bool IsValidKey(string key)
    {
        Span<byte> decoded = stackalloc byte[18];
        return key.Length == 24 && Convert.TryFromBase64String(key, decoded, out var written) && written == 16;
    }

    private static bool HasToken(Microsoft.Extensions.Primitives.StringValues values, string token)
    {
        foreach (var value in values)
        {
            foreach (var part in (value ?? string.Empty).Split(','))
            {
                if (part.Trim().Equals(token, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
