using System.Text;
using ChatSocket.Connections;
using ChatSocket.Messages;
using ChatSocket.Rooms;
using Microsoft.Extensions.Options;
using MongoDB.Bson;

namespace ChatSocket.Protocol;

/// <summary>
/// Handles the text frames of protocol v1 for a connection: parse, rate limit, check the values, then join, leave,
/// send, history or ping. Every refusal is an <c>error</c> frame and the connection stays usable.
/// </summary>
internal sealed class ClientFrameHandler(RoomRegistry rooms, MessageAcceptor acceptor, IMessageHistory history, IOptions<ChatOptions> options)
{
    private readonly ChatOptions _options = options.Value;

    public async ValueTask HandleAsync(ChatConnection connection, ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken)
    {
        var status = ClientRequestParser.Parse(utf8.Span, out var request, out var error);
        if (!connection.RateLimiter.TryTake())
        {
            connection.SendError(new ProtocolError(ErrorCodes.RateLimited, "too many frames; slow down", request?.ClientMsgId ?? TypeName(request)));
            return;
        }

        switch (status)
        {
            case ParseStatus.Invalid:
                connection.SendError(error!);
                return;
            case ParseStatus.PlainText:
                await SendPlainTextAsync(connection, Encoding.UTF8.GetString(utf8.Span), cancellationToken);
                return;
        }

        switch (request!.Kind)
        {
            case ClientRequestKind.Join:
                await JoinAsync(connection, request.RoomId, request.History, request.Since, "join", cancellationToken);
                break;
            case ClientRequestKind.Leave:
                Leave(connection, request);
                break;
            case ClientRequestKind.Send:
                await SendAsync(connection, request, cancellationToken);
                break;
            case ClientRequestKind.History:
                await HistoryAsync(connection, request, cancellationToken);
                break;
            case ClientRequestKind.Ping:
                connection.Send(ServerFrames.Pong);
                break;
        }
    }

    /// <summary>Joins a room (also used for the <c>room</c> query parameter of the upgrade); with
    /// <paramref name="since"/> (resume) the history is every message after that id.</summary>
    public async ValueTask JoinAsync(ChatConnection connection, string? roomId, int? historyCount, string? since, string reference, CancellationToken cancellationToken)
    {
        if (!ProtocolRules.IsValidRoomId(roomId))
        {
            connection.SendError(BadRoomId(reference));
            return;
        }

        if (historyCount < 0)
        {
            connection.SendError(new ProtocolError(ErrorCodes.BadRequest, "history must not be negative", reference));
            return;
        }

        if (!connection.IsIn(roomId!) && connection.Rooms.Count >= _options.MaxRoomsPerConnection)
        {
            connection.SendError(new ProtocolError(ErrorCodes.TooManyRooms, $"a connection may be in at most {_options.MaxRoomsPerConnection} rooms", reference));
            return;
        }

        ObjectId? sinceId = null;
        if (since is not null)
        {
            if (!ObjectId.TryParse(since, out var parsed))
            {
                connection.SendError(new ProtocolError(ErrorCodes.BadRequest, "since must be a message id (24 hex digits)", reference));
                return;
            }

            sinceId = parsed;
        }

        // A resume defaults to the most a history frame holds: the client wants everything it missed.
        var count = Math.Min(historyCount ?? (sinceId is null ? _options.DefaultHistory : _options.MaxHistory), _options.MaxHistory);
        JoinStatus status;
        try
        {
            status = await rooms.JoinAsync(connection, roomId!, count, sinceId, cancellationToken);
        }
        catch (Exception ex) when (IsArchiveFailure(ex))
        {
            connection.SendError(Unavailable(reference));
            return;
        }

        if (status == JoinStatus.ServerRoomLimit)
        {
            connection.SendError(new ProtocolError(ErrorCodes.TooManyRooms, "the server's room limit is reached", reference));
            return;
        }

        connection.AddRoom(roomId!);
    }

    private void Leave(ChatConnection connection, ClientRequest request)
    {
        if (!ProtocolRules.IsValidRoomId(request.RoomId))
        {
            connection.SendError(BadRoomId("leave"));
            return;
        }

        if (!connection.IsIn(request.RoomId!))
        {
            connection.SendError(new ProtocolError(ErrorCodes.NotInRoom, "not in that room", "leave"));
            return;
        }

        rooms.Leave(connection, request.RoomId!);
        connection.RemoveRoom(request.RoomId!);
        connection.Send(ServerFrames.Left(request.RoomId!));
    }

    private async ValueTask SendAsync(ChatConnection connection, ClientRequest request, CancellationToken cancellationToken)
    {
        var reference = request.ClientMsgId ?? "send";
        if (!ProtocolRules.IsValidRoomId(request.RoomId))
        {
            connection.SendError(BadRoomId(reference));
            return;
        }

        if (request.ClientMsgId is { Length: 0 or > ProtocolRules.MaxClientMsgIdLength })
        {
            connection.SendError(new ProtocolError(ErrorCodes.BadRequest, $"client_msg_id must have 1 to {ProtocolRules.MaxClientMsgIdLength} characters", reference));
            return;
        }

        await AcceptAsync(connection, request.RoomId!, request.Content, request.ClientMsgId, reference, cancellationToken);
    }

    private async ValueTask SendPlainTextAsync(ChatConnection connection, string text, CancellationToken cancellationToken)
    {
        if (connection.CurrentRoom is not { } roomId)
        {
            connection.SendError(new ProtocolError(ErrorCodes.NotInRoom, "join a room first: {\"type\":\"join\",\"room_id\":\"lobby\"}", null));
            return;
        }

        await AcceptAsync(connection, roomId, text, null, null, cancellationToken);
    }

    private async ValueTask AcceptAsync(ChatConnection connection, string roomId, string? content, string? clientMsgId, string? reference, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(content) || content.Length > _options.MaxContentLength)
        {
            connection.SendError(new ProtocolError(ErrorCodes.BadRequest, $"content must have 1 to {_options.MaxContentLength} characters", reference));
            return;
        }

        var result = await acceptor.AcceptAsync(connection, roomId, content, clientMsgId, cancellationToken);
        switch (result.Status)
        {
            case AcceptStatus.NotInRoom:
                connection.SendError(new ProtocolError(ErrorCodes.NotInRoom, $"join {roomId} before sending to it", reference));
                break;
            case AcceptStatus.Overloaded:
                connection.SendError(new ProtocolError(ErrorCodes.Overloaded, "the server cannot take messages this fast right now; send again later", reference));
                break;
            case AcceptStatus.DuplicateClientMsgId:
                connection.SendError(new ProtocolError(ErrorCodes.DuplicateClientMsgId, ChatConnection.DuplicateClientMsgIdMessage, reference));
                break;
            case AcceptStatus.Unavailable:
                connection.SendError(new ProtocolError(ErrorCodes.Unavailable, "the database could not confirm that this client_msg_id is new; nothing was sent; send again later", reference));
                break;
        }
    }

    private async ValueTask HistoryAsync(ChatConnection connection, ClientRequest request, CancellationToken cancellationToken)
    {
        if (!ProtocolRules.IsValidRoomId(request.RoomId))
        {
            connection.SendError(BadRoomId("history"));
            return;
        }

        if (request.Limit is <= 0)
        {
            connection.SendError(new ProtocolError(ErrorCodes.BadRequest, "limit must be positive", "history"));
            return;
        }

        var limit = Math.Min(request.Limit ?? _options.DefaultHistory, _options.MaxHistory);
        ObjectId? beforeId = null;
        if (request.Before is not null)
        {
            if (!ObjectId.TryParse(request.Before, out var parsed))
            {
                connection.SendError(new ProtocolError(ErrorCodes.BadRequest, "before must be a message id (24 hex digits)", "history"));
                return;
            }

            beforeId = parsed;
        }

        HistoryPage page;
        try
        {
            page = beforeId is { } before
                ? await history.GetBeforeAsync(request.RoomId!, before, limit, cancellationToken)
                : await history.GetRecentAsync(request.RoomId!, limit, cancellationToken);
        }
        catch (Exception ex) when (IsArchiveFailure(ex))
        {
            connection.SendError(Unavailable("history"));
            return;
        }

        connection.Send(ServerFrames.History(request.RoomId!, page));
    }

    // The database did not answer a history read (an outage, a timeout): the client is told, the connection lives on.
    private static bool IsArchiveFailure(Exception ex) => ex is MongoDB.Driver.MongoException or TimeoutException;

    private static ProtocolError Unavailable(string? reference) =>
        new(ErrorCodes.Unavailable, "history could not be read from the database; try again later", reference);

    private static ProtocolError BadRoomId(string? reference) =>
        new(ErrorCodes.BadRequest, "room_id must match ^[A-Za-z0-9_.:-]{1,64}$", reference);

    private static string? TypeName(ClientRequest? request) => request?.Kind.ToString().ToLowerInvariant();
}
