using Microsoft.Extensions.Logging;

namespace ChatSocket.Client;

/// <summary>How a <see cref="ChatClient"/> connects, reconnects and buffers.</summary>
public sealed class ChatClientOptions
{
    /// <summary>The name sent as the <c>user</c> query parameter (1-32 characters); null lets the server pick
    /// <c>guest-&lt;n&gt;</c>.</summary>
    public string? User { get; init; }

    /// <summary>Asked before every connection attempt (tokens expire between reconnects); a non-null answer is sent
    /// as the <c>access_token</c> query parameter. Null: no token.</summary>
    public Func<CancellationToken, ValueTask<string?>>? AccessTokenProvider { get; init; }

    /// <summary>Other nodes of the same cluster (behind no load balancer, or as a second path): after a failed
    /// connection attempt the next attempt goes to the next address, round robin, starting from the one given to
    /// <see cref="ChatClient.ConnectAsync"/>. Rooms resume with <c>since</c> wherever the client lands, so nothing is
    /// missed or repeated. Default none.</summary>
    public IReadOnlyList<Uri> FailoverEndpoints { get; init; } = [];

    /// <summary>Backoff between reconnects and between retries of transient refusals.</summary>
    public ChatReconnectPolicy Reconnect { get; init; } = new();

    /// <summary>Most messages waiting for their ack at once; one more makes <see cref="ChatClient.SendAsync"/> throw
    /// <see cref="ChatOutgoingBufferFullException"/> at once. Default 256.</summary>
    public int OutgoingCapacity { get; init; } = 256;

    /// <summary>Messages buffered per room for a reader that has not taken them yet. When full, the client stops
    /// buffering that room (the socket keeps being read) and, once the reader has taken half, asks the server
    /// for everything after the last buffered message: nothing is lost, nothing else stalls. Default 1,024.</summary>
    public int RoomBufferCapacity { get; init; } = 1024;

    /// <summary>Tries of one message the server refused as transient (<c>unavailable</c>, <c>overloaded</c>,
    /// <c>rate_limited</c>) before <see cref="ChatClient.SendAsync"/> gives up with that error. Resends after a
    /// reconnect do not count. Default 5.</summary>
    public int MaxSendAttempts { get; init; } = 5;

    /// <summary>Largest frame sent, in UTF-8 bytes; the server closes with 1009 over its <c>Chat:MaxMessageBytes</c>
    /// (16 KiB by default), so a larger message is refused here instead. Default 16,384.</summary>
    public int MaxFrameBytes { get; init; } = 16 * 1024;

    /// <summary>Largest frame accepted from the server; a history frame of 200 long messages is about 2.5 MB.
    /// Default 8 MiB.</summary>
    public int MaxReceiveBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>WebSocket pings this often; a pong missing for as long again drops the connection (and the client
    /// reconnects). Default 15 s.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Optional; connection losses at Information, refusals at Warning.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>Test seam: frames (raw UTF-8 JSON) for which it answers true are ignored, as if lost with the
    /// connection (e.g. an ack, to force a resend).</summary>
    internal Func<ReadOnlyMemory<byte>, bool>? DropIncomingFrame { get; init; }

    internal void Validate()
    {
        Reconnect.Validate();
        if (OutgoingCapacity < 1 || RoomBufferCapacity < 1 || MaxSendAttempts < 1 || MaxFrameBytes < 256 || MaxReceiveBytes < 1024)
        {
            throw new ArgumentException("ChatClientOptions: capacities and attempts must be at least 1, frame limits sensible");
        }

        if (FailoverEndpoints.Any(e => e is null || !e.IsAbsoluteUri))
        {
            throw new ArgumentException("ChatClientOptions.FailoverEndpoints must be absolute ws:// or wss:// URIs");
        }

        if (User is { Length: 0 })
        {
            throw new ArgumentException("ChatClientOptions.User must not be empty (null lets the server choose)");
        }
    }
}
