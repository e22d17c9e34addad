using System.Buffers;
using System.Text;
using ChatSocket.WebSockets;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace ChatSocket.Connections;

/// <summary>
/// The first request of a connection as <see cref="UpgradeBelowHttp"/> sees it: whether it can be a plain
/// <c>GET /ws</c> HTTP/1.1 request (<see cref="Scan"/>) and, once its head is complete, the request
/// (<see cref="TryParse"/>). Anything this parser is unsure of is not its business: it says so, and Kestrel's own
/// HTTP parser answers (400, 431, ...) exactly as it always did.
/// </summary>
internal static class UpgradeHead
{
    /// <summary>The longest head served below HTTP; a longer one goes to Kestrel, whose limits answer it.</summary>
    public const int MaxBytes = 8 * 1024;

    private static ReadOnlySpan<byte> Prefix => "GET /ws"u8;

    private static ReadOnlySpan<byte> HeadEnd => "\r\n\r\n"u8;

    private static ReadOnlySpan<byte> Version => " HTTP/1.1"u8;

    /// <summary>
    /// Looks at what has arrived: <see cref="HeadScan.Complete"/> with the head's length (its blank line included),
    /// <see cref="HeadScan.NeedMore"/>, or <see cref="HeadScan.NotOurs"/> as soon as the bytes cannot start a
    /// <c>GET /ws</c> request or the head is over <see cref="MaxBytes"/>.
    /// </summary>
    public static HeadScan Scan(ReadOnlySequence<byte> buffer, out int headLength)
    {
        headLength = 0;
        Span<byte> start = stackalloc byte[Prefix.Length + 1];
        var seen = (int)Math.Min(buffer.Length, start.Length);
        buffer.Slice(0, seen).CopyTo(start);
        var prefix = Math.Min(seen, Prefix.Length);
        if (!start[..prefix].SequenceEqual(Prefix[..prefix]) || (seen > Prefix.Length && start[Prefix.Length] is not (byte)'?' and not (byte)' '))
        {
            return HeadScan.NotOurs;
        }

        var reader = new SequenceReader<byte>(buffer.Length > MaxBytes ? buffer.Slice(0, MaxBytes) : buffer);
        if (reader.TryReadTo(out ReadOnlySequence<byte> _, HeadEnd))
        {
            headLength = (int)reader.Consumed;
            return HeadScan.Complete;
        }

        return buffer.Length >= MaxBytes ? HeadScan.NotOurs : HeadScan.NeedMore;
    }

    /// <summary>
    /// Parses a complete head (request line, header lines, blank line). Null when it is anything but a well-formed
    /// HTTP/1.1 <c>GET /ws</c> request that asks for a WebSocket, has no body, and whose every byte Kestrel would
    /// accept as well. The WebSocket checks themselves (key, version, ...) are admission's.
    /// </summary>
    public static UpgradeRequest? TryParse(ReadOnlySpan<byte> head, string? remoteAddress)
    {
        var lineEnd = head.IndexOf("\r\n"u8);
        var requestLine = head[..lineEnd];
        if (!requestLine.EndsWith(Version))
        {
            return null;
        }

        // "GET " then the target: /ws, optionally with a query, in visible ASCII (Kestrel decodes nothing else here).
        var target = requestLine[4..^Version.Length];
        if (target.Length < 3 || (target.Length > 3 && target[3] != '?') || target.IndexOfAnyExceptInRange((byte)0x21, (byte)0x7E) >= 0)
        {
            return null;
        }

        var headers = new HeaderDictionary();
        var rest = head[(lineEnd + 2)..^2];
        while (rest.Length > 0)
        {
            var end = rest.IndexOf("\r\n"u8);
            if (end < 0 || !TryAddHeader(headers, rest[..end]))
            {
                return null;
            }

            rest = rest[(end + 2)..];
        }

        // Not asking for a WebSocket (a plain GET /ws), a body (or a framing Kestrel would refuse), no Host or several:
        // Kestrel decides, as it does for any request.
        if (!WebSocketHandshake.AsksForWebSocket(headers) ||
            headers.ContainsKey(HeaderNames.TransferEncoding) ||
            (headers.TryGetValue(HeaderNames.ContentLength, out var length) && length.ToString() != "0") ||
            !headers.TryGetValue(HeaderNames.Host, out var host) || host.Count != 1 || !IsPlainHost(host.ToString()))
        {
            return null;
        }

        var query = new QueryCollection(QueryHelpers.ParseQuery(Encoding.ASCII.GetString(target[3..])));
        return new UpgradeRequest(HttpMethods.Get, headers, query, HostString.FromUriComponent(host.ToString()), "http", isUpgradable: true, remoteAddress);
    }

    private static bool TryAddHeader(HeaderDictionary headers, ReadOnlySpan<byte> line)
    {
        var colon = line.IndexOf((byte)':');
        if (colon <= 0)
        {
            return false;
        }

        var name = line[..colon];
        var value = line[(colon + 1)..].Trim(" \t"u8);

        // A name is a token (no spaces before the colon, no obs-fold continuation line); a value is visible ASCII,
        // spaces and tabs, which is all Kestrel accepts without a request header encoding.
        foreach (var b in name)
        {
            if (b <= 0x20 || b >= 0x7F || "\"(),/:;<=>?@[\\]{}"u8.Contains(b))
            {
                return false;
            }
        }

        foreach (var b in value)
        {
            if ((b < 0x20 && b != (byte)'\t') || b >= 0x7F)
            {
                return false;
            }
        }

        headers.Append(Encoding.ASCII.GetString(name), Encoding.ASCII.GetString(value));
        return true;
    }

    // A host name, IPv4 or bracketed IPv6 address and an optional port: the Host values clients send to this server.
    private static bool IsPlainHost(string host)
    {
        foreach (var c in host)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '-' or '_' or ':' or '[' or ']'))
            {
                return false;
            }
        }

        return host.Length > 0;
    }
}
