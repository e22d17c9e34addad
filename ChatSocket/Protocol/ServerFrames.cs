using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using ChatSocket.Messages;
using ChatSocket.WebSockets;
using MongoDB.Bson;

namespace ChatSocket.Protocol;

/// <summary>
/// Encodes server frames of protocol v1: JSON written with <see cref="Utf8JsonWriter"/> into a per-thread reusable
/// buffer, then copied once into an array holding the complete WebSocket frame (header + payload). The arrays are
/// immutable once returned, so one broadcast frame is shared by every member's queue.
/// </summary>
internal static class ServerFrames
{
    private const int RetainedBufferBytes = 64 * 1024;

    // Relaxed escaping keeps non-ASCII text as UTF-8 instead of \u escapes; the JSON is never embedded in HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_eventWriter;

    /// <summary>The reply to a <c>ping</c> request.</summary>
    public static ReadOnlyMemory<byte> Pong { get; } = Encode(0, static (w, _) => w.WriteString("type"u8, "pong"u8));

    /// <summary>A <c>message</c> frame: the broadcast of one accepted message.</summary>
    public static byte[] Message(ChatMessage message) => Encode(message, static (w, m) =>
    {
        w.WriteString("type"u8, "message"u8);
        WriteMessageFields(w, m);
    });

    /// <summary>A <c>joined</c> frame: <paramref name="members"/> connections, and <paramref name="users"/>, the
    /// distinct names among them (at most <see cref="ProtocolRules.MaxJoinedUsers"/>; <c>members</c> stays exact),
    /// as <see cref="JoinedUsers"/> encoded them.</summary>
    public static byte[] Joined(string roomId, int members, byte[] users) => Encode((roomId, members, users), static (w, s) =>
    {
        w.WriteString("type"u8, "joined"u8);
        w.WriteString("room_id"u8, s.roomId);
        w.WriteNumber("members"u8, s.members);
        w.WritePropertyName("users"u8);

        // Written by JoinedUsers with this class's writer options: valid JSON already.
        w.WriteRawValue(s.users, skipInputValidation: true);
    });

    /// <summary>The <c>users</c> array of a <c>joined</c> frame, encoded once for every join that lists the same
    /// names: a room of many members lists up to 100 of them to each joiner.</summary>
    public static byte[] JoinedUsers(IEnumerable<string> users)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using var writer = new Utf8JsonWriter(buffer, WriterOptions);
        writer.WriteStartArray();
        foreach (var user in users)
        {
            writer.WriteStringValue(user);
        }

        writer.WriteEndArray();
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A <c>left</c> frame.</summary>
    public static byte[] Left(string roomId) => Encode(roomId, static (w, roomId) =>
    {
        w.WriteString("type"u8, "left"u8);
        w.WriteString("room_id"u8, roomId);
    });

    /// <summary>A <c>history</c> frame: messages oldest first. A resume's (<paramref name="recovered"/> not null) says
    /// whether the replay is complete.</summary>
    public static byte[] History(string roomId, HistoryPage page, bool? recovered = null) => Encode((roomId, page, recovered), static (w, s) =>
    {
        w.WriteString("type"u8, "history"u8);
        w.WriteString("room_id"u8, s.roomId);
        w.WriteStartArray("messages"u8);
        foreach (var message in s.page.Messages)
        {
            w.WriteStartObject();
            WriteMessageFields(w, message);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteBoolean("has_more"u8, s.page.HasMore);
        if (s.recovered is { } recovered)
        {
            w.WriteBoolean("recovered"u8, recovered);
        }
    });

    /// <summary>A <c>search_results</c> frame: results best match first, each a message object with its <c>score</c>.</summary>
    public static byte[] SearchResults(string roomId, string q, SearchPage page) => Encode((roomId, q, page), static (w, s) =>
    {
        w.WriteString("type"u8, "search_results"u8);
        w.WriteString("room_id"u8, s.roomId);
        w.WriteString("q"u8, s.q);
        w.WriteStartArray("results"u8);
        foreach (var hit in s.page.Hits)
        {
            w.WriteStartObject();
            WriteMessageFields(w, hit.Message);
            w.WriteNumber("score"u8, hit.Score);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteBoolean("has_more"u8, s.page.HasMore);
    });

    /// <summary>A <c>presence</c> frame: <paramref name="user"/> joined or left; <paramref name="members"/> after it.</summary>
    public static byte[] Presence(string roomId, string user, bool joined, int members) => Encode((roomId, user, joined, members), static (w, s) =>
    {
        w.WriteString("type"u8, "presence"u8);
        w.WriteString("room_id"u8, s.roomId);
        w.WriteString("user"u8, s.user);
        w.WriteString("event"u8, s.joined ? "join"u8 : "leave"u8);
        w.WriteNumber("members"u8, s.members);
    });

    /// <summary>Appends one event of a <c>presence_batch</c> to <paramref name="events"/> as the frame's <c>events</c>
    /// array holds it, preceded by a comma: the events of a batch are encoded once, and a frame of any tail of them
    /// (<see cref="PresenceBatch"/>) is a copy of bytes.</summary>
    public static void AppendPresenceBatchEvent(ArrayBufferWriter<byte> events, PresenceEvent presence)
    {
        events.GetSpan(1)[0] = (byte)',';
        events.Advance(1);
        var writer = t_eventWriter ??= new Utf8JsonWriter(events, WriterOptions);
        writer.Reset(events);
        writer.WriteStartObject();
        writer.WriteString("user"u8, presence.User);
        writer.WriteString("event"u8, presence.Joined ? "join"u8 : "leave"u8);
        writer.WriteEndObject();
        writer.Flush();

        // The writer must not keep a room's buffer alive.
        writer.Reset(Stream.Null);
    }

    /// <summary>A <c>presence_batch</c> frame: several joins and leaves in the order they happened, as
    /// <see cref="AppendPresenceBatchEvent"/> appended them (from one of its commas to the end); <c>members</c> is
    /// the count after the last of them.</summary>
    public static byte[] PresenceBatch(string roomId, ReadOnlySpan<byte> appendedEvents, int members)
    {
        // The events as a JSON array: the first comma becomes the opening bracket.
        var array = ArrayPool<byte>.Shared.Rent(appendedEvents.Length + 1);
        try
        {
            array[0] = (byte)'[';
            appendedEvents[1..].CopyTo(array.AsSpan(1));
            array[appendedEvents.Length] = (byte)']';
            return Encode((roomId, events: new ArraySegment<byte>(array, 0, appendedEvents.Length + 1), members), static (w, s) =>
            {
                w.WriteString("type"u8, "presence_batch"u8);
                w.WriteString("room_id"u8, s.roomId);
                w.WritePropertyName("events"u8);

                // Written by AppendPresenceBatchEvent with this class's writer options: valid JSON already.
                w.WriteRawValue(s.events, skipInputValidation: true);
                w.WriteNumber("members"u8, s.members);
            });
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    /// <summary>An <c>ack</c> frame: the message is durable; <paramref name="id"/> is the stored message's id (the
    /// original's for a resend).</summary>
    public static byte[] Ack(string roomId, ObjectId id, string? clientMsgId) => Encode((roomId, id, clientMsgId), static (w, s) =>
    {
        w.WriteString("type"u8, "ack"u8);
        w.WriteString("room_id"u8, s.roomId);
        Span<byte> hex = stackalloc byte[24];
        WriteHex(s.id.ToByteArray(), hex);
        w.WriteString("id"u8, hex);
        if (s.clientMsgId is not null)
        {
            w.WriteString("client_msg_id"u8, s.clientMsgId);
        }
    });

    /// <summary>A <c>refreshed</c> frame: the connection now lives until <paramref name="expiresAt"/>.</summary>
    public static byte[] Refreshed(DateTimeOffset expiresAt) => Encode(expiresAt, static (w, expires) =>
    {
        w.WriteString("type"u8, "refreshed"u8);
        Span<byte> timestamp = stackalloc byte[32];
        expires.UtcDateTime.TryFormat(timestamp, out var written, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        w.WriteString("expires_at"u8, timestamp[..written]);
    });

    /// <summary>An <c>error</c> frame.</summary>
    public static byte[] Error(ProtocolError error) => Encode(error, static (w, e) =>
    {
        w.WriteString("type"u8, "error"u8);
        w.WriteString("code"u8, e.Code);
        w.WriteString("message"u8, e.Message);
        if (e.Ref is not null)
        {
            w.WriteString("ref"u8, e.Ref);
        }
    });

    /// <summary>The fields of a message object, shared by <c>message</c> and <c>history</c> frames.</summary>
    private static void WriteMessageFields(Utf8JsonWriter writer, ChatMessage message)
    {
        Span<byte> id = stackalloc byte[24];
        WriteHex(message.Id.ToByteArray(), id);
        writer.WriteString("id"u8, id);
        writer.WriteString("room_id"u8, message.RoomId);
        writer.WriteString("sender"u8, message.Sender);
        writer.WriteString("content"u8, message.Content);
        Span<byte> timestamp = stackalloc byte[32];
        message.Timestamp.TryFormat(timestamp, out var written, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        writer.WriteString("timestamp"u8, timestamp[..written]);
        if (message.ClientMsgId is not null)
        {
            writer.WriteString("client_msg_id"u8, message.ClientMsgId);
        }
    }

    private static void WriteHex(ReadOnlySpan<byte> bytes, Span<byte> destination)
    {
        ReadOnlySpan<byte> digits = "0123456789abcdef"u8;
        for (var i = 0; i < bytes.Length; i++)
        {
            destination[2 * i] = digits[bytes[i] >> 4];
            destination[(2 * i) + 1] = digits[bytes[i] & 0xF];
        }
    }

    private static byte[] Encode<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        var writer = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        writer.WriteStartObject();
        write(writer, state);
        writer.WriteEndObject();
        writer.Flush();
        var frame = WebSocketFrameEncoder.Frame(WebSocketOpcode.Text, buffer.WrittenSpan);
        if (buffer.Capacity > RetainedBufferBytes)
        {
            // A huge history frame should not pin its buffer on this thread for good.
            t_buffer = null;
            t_writer = null;
        }

        return frame;
    }
}
