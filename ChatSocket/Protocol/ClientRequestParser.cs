using System.Text.Json;

namespace ChatSocket.Protocol;

/// <summary>
/// Reads one client text frame with <see cref="Utf8JsonReader"/>. Each known field must have its JSON type (a string
/// field given an object or number is a <c>bad_request</c>, never interpreted); unknown fields are ignored.
/// </summary>
internal static class ClientRequestParser
{
    private const int MaxDepth = 16;

    /// <summary>Reads <paramref name="utf8"/> (valid UTF-8) into a request, or says it is plain text or invalid.</summary>
    public static ParseStatus Parse(ReadOnlySpan<byte> utf8, out ClientRequest? request, out ProtocolError? error)
    {
        request = null;
        error = null;
        if (!StartsLikeObject(utf8))
        {
            return ParseStatus.PlainText;
        }

        string? type = null, roomId = null, content = null, clientMsgId = null, before = null, since = null, token = null;
        int? history = null, limit = null;
        string? fieldError = null;
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                switch (name)
                {
                    case "type": type = ReadString(ref reader, name, ref fieldError); break;
                    case "room_id": roomId = ReadString(ref reader, name, ref fieldError); break;
                    case "content": content = ReadString(ref reader, name, ref fieldError); break;
                    case "client_msg_id": clientMsgId = ReadString(ref reader, name, ref fieldError); break;
                    case "before": before = ReadString(ref reader, name, ref fieldError); break;
                    case "since": since = ReadString(ref reader, name, ref fieldError); break;
                    case "token": token = ReadString(ref reader, name, ref fieldError); break;
                    case "history": history = ReadInt(ref reader, name, ref fieldError); break;
                    case "limit": limit = ReadInt(ref reader, name, ref fieldError); break;
                    default: reader.Skip(); break;
                }
            }

            // Anything after the object (a second value) makes the reader throw here.
            while (reader.Read())
            {
            }
        }
        catch (JsonException)
        {
            // Utf8JsonReader reports malformed input only by throwing; that is a client error, answered in a frame.
            error = new ProtocolError(ErrorCodes.BadRequest, "malformed JSON", null);
            return ParseStatus.Invalid;
        }

        var reference = clientMsgId ?? type;
        if (fieldError is not null)
        {
            error = new ProtocolError(ErrorCodes.BadRequest, fieldError, reference);
            return ParseStatus.Invalid;
        }

        ClientRequestKind kind;
        switch (type)
        {
            case "join": kind = ClientRequestKind.Join; break;
            case "leave": kind = ClientRequestKind.Leave; break;
            case "send": kind = ClientRequestKind.Send; break;
            case "history": kind = ClientRequestKind.History; break;
            case "ping": kind = ClientRequestKind.Ping; break;
            case "refresh": kind = ClientRequestKind.Refresh; break;
            case null:
                error = new ProtocolError(ErrorCodes.BadRequest, "type is required", reference);
                return ParseStatus.Invalid;
            default:
                error = new ProtocolError(ErrorCodes.BadRequest, "unknown type", reference);
                return ParseStatus.Invalid;
        }

        request = new ClientRequest
        {
            Kind = kind,
            RoomId = roomId,
            Content = content,
            ClientMsgId = clientMsgId,
            History = history,
            Before = before,
            Since = since,
            Limit = limit,
            Token = token,
        };
        return ParseStatus.Request;
    }

    private static bool StartsLikeObject(ReadOnlySpan<byte> utf8)
    {
        foreach (var b in utf8)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                continue;
            }

            return b == (byte)'{';
        }

        return false;
    }

    private static string? ReadString(ref Utf8JsonReader reader, string name, ref string? fieldError)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                try
                {
                    return reader.GetString();
                }
                catch (InvalidOperationException)
                {
                    // GetString refuses escapes that are not valid UTF-16 (a lone surrogate such as \ud800).
                    fieldError ??= $"{name} is not valid Unicode text";
                    return null;
                }

            case JsonTokenType.Null:
                return null;
            default:
                fieldError ??= $"{name} must be a string";
                reader.Skip();
                return null;
        }
    }

    private static int? ReadInt(ref Utf8JsonReader reader, string name, ref string? fieldError)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number when reader.TryGetInt32(out var value):
                return value;
            case JsonTokenType.Null:
                return null;
            default:
                fieldError ??= $"{name} must be an integer";
                reader.Skip();
                return null;
        }
    }
}
