using System.Text;
using ChatSocket.History;
using ChatSocket.Identity;
using ChatSocket.Messages;
using ChatSocket.Persistence;
using ChatSocket.Protocol;
using ChatSocket.Rooms;
using Microsoft.Extensions.Options;
using MongoDB.Bson;

namespace ChatSocket.Chat;

/// <summary>
/// The application layer: what a client's request means. It takes the text frames of protocol v1 from a connection
/// and parses, rate-limits and checks them, then joins, leaves, sends (through <see cref="MessageAcceptor"/>), pages
/// history, refreshes the client's token or answers a ping. Every refusal, including the database being unavailable,
/// is an <c>error</c> frame and the connection stays usable. Who may join or read a room is <see cref="RoomAccess"/>'s
/// rule.
/// </summary>
internal sealed class ChatRequestHandler(RoomRegistry rooms, MessageAcceptor acceptor, IMessageHistory history, TokenValidator tokens, IOptions<ChatOptions> options)
{
    private readonly ChatOptions _options = options.Value;

    public async ValueTask HandleAsync(ChatSession session, ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken)
    {
        var status = ClientRequestParser.Parse(utf8.Span, out var request, out var error);
        if (!session.RateLimiter.TryTake())
        {
            session.SendError(new ProtocolError(ErrorCodes.RateLimited, "too many frames; slow down", request?.ClientMsgId ?? TypeName(request)));
            return;
        }

        switch (status)
        {
            case ParseStatus.Invalid:
                session.SendError(error!);
                return;
            case ParseStatus.PlainText:
                await SendPlainTextAsync(session, Encoding.UTF8.GetString(utf8.Span), cancellationToken);
                return;
        }

        switch (request!.Kind)
        {
            case ClientRequestKind.Join:
                await JoinAsync(session, request.RoomId, request.History, request.Since, "join", cancellationToken);
                break;
            case ClientRequestKind.Leave:
                Leave(session, request);
                break;
            case ClientRequestKind.Send:
                await SendAsync(session, request, cancellationToken);
                break;
            case ClientRequestKind.History:
                await HistoryAsync(session, request, cancellationToken);
                break;
            case ClientRequestKind.Ping:
                session.Send(ServerFrames.Pong);
                break;
            case ClientRequestKind.Refresh:
                await RefreshAsync(session, request.Token, cancellationToken);
                break;
        }
    }

    /// <summary>Joins a room (also used for the <c>room</c> query parameter of the upgrade); with
    /// <paramref name="since"/> (resume) the history is every message after that id.</summary>
    public async ValueTask JoinAsync(ChatSession session, string? roomId, int? historyCount, string? since, string reference, CancellationToken cancellationToken)
    {
        if (!ProtocolRules.IsValidRoomId(roomId))
        {
            session.SendError(BadRoomId(reference));
            return;
        }

        if (RoomAccess.Refusal(session.Identity, roomId!) is { } refusal)
        {
            session.SendError(new ProtocolError(ErrorCodes.Forbidden, refusal, reference));
            return;
        }

        if (historyCount < 0)
        {
            session.SendError(new ProtocolError(ErrorCodes.BadRequest, "history must not be negative", reference));
            return;
        }

        if (!session.IsIn(roomId!) && session.Rooms.Count >= _options.MaxRoomsPerConnection)
        {
            session.SendError(new ProtocolError(ErrorCodes.TooManyRooms, $"a connection may be in at most {_options.MaxRoomsPerConnection} rooms", reference));
            return;
        }

        ObjectId? sinceId = null;
        if (since is not null)
        {
            if (!ObjectId.TryParse(since, out var parsed))
            {
                session.SendError(new ProtocolError(ErrorCodes.BadRequest, "since must be a message id (24 hex digits)", reference));
                return;
            }

            sinceId = parsed;
        }

        // A resume defaults to the most a history frame holds: the client wants everything it missed.
        var count = Math.Min(historyCount ?? (sinceId is null ? _options.DefaultHistory : _options.MaxHistory), _options.MaxHistory);
        JoinStatus status;
        try
        {
            status = await rooms.JoinAsync(session.Client, roomId!, count, sinceId, cancellationToken);
        }
        catch (ArchiveUnavailableException)
        {
            session.SendError(Unavailable(reference));
            return;
        }
        catch (BackplaneUnavailableException)
        {
            session.SendError(new ProtocolError(ErrorCodes.Unavailable, "the backplane is unreachable; join again", reference));
            return;
        }

        if (status == JoinStatus.ServerRoomLimit)
        {
            session.SendError(new ProtocolError(ErrorCodes.TooManyRooms, "the server's room limit is reached", reference));
            return;
        }

        session.AddRoom(roomId!);
    }

    private void Leave(ChatSession session, ClientRequest request)
    {
        if (!ProtocolRules.IsValidRoomId(request.RoomId))
        {
            session.SendError(BadRoomId("leave"));
            return;
        }

        if (!session.IsIn(request.RoomId!))
        {
            session.SendError(new ProtocolError(ErrorCodes.NotInRoom, "not in that room", "leave"));
            return;
        }

        LeaveRoom(session, request.RoomId!);
    }

    private void LeaveRoom(ChatSession session, string roomId)
    {
        rooms.Leave(session.Client, roomId);
        session.RemoveRoom(roomId);
        session.Send(ServerFrames.Left(roomId));
    }

    private async ValueTask SendAsync(ChatSession session, ClientRequest request, CancellationToken cancellationToken)
    {
        var reference = request.ClientMsgId ?? "send";
        if (!ProtocolRules.IsValidRoomId(request.RoomId))
        {
            session.SendError(BadRoomId(reference));
            return;
        }

        if (request.ClientMsgId is { Length: 0 or > ProtocolRules.MaxClientMsgIdLength })
        {
            session.SendError(new ProtocolError(ErrorCodes.BadRequest, $"client_msg_id must have 1 to {ProtocolRules.MaxClientMsgIdLength} characters", reference));
            return;
        }

        await AcceptAsync(session, request.RoomId!, request.Content, request.ClientMsgId, reference, cancellationToken);
    }

    private async ValueTask SendPlainTextAsync(ChatSession session, string text, CancellationToken cancellationToken)
    {
        if (session.CurrentRoom is not { } roomId)
        {
            session.SendError(new ProtocolError(ErrorCodes.NotInRoom, "join a room first: {\"type\":\"join\",\"room_id\":\"lobby\"}", null));
            return;
        }

        await AcceptAsync(session, roomId, text, null, null, cancellationToken);
    }

    private async ValueTask AcceptAsync(ChatSession session, string roomId, string? content, string? clientMsgId, string? reference, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(content) || content.Length > _options.MaxContentLength)
        {
            session.SendError(new ProtocolError(ErrorCodes.BadRequest, $"content must have 1 to {_options.MaxContentLength} characters", reference));
            return;
        }

        var result = await acceptor.AcceptAsync(session, roomId, content, clientMsgId, cancellationToken);
        switch (result.Status)
        {
            case AcceptStatus.NotInRoom:
                session.SendError(new ProtocolError(ErrorCodes.NotInRoom, $"join {roomId} before sending to it", reference));
                break;
            case AcceptStatus.Overloaded:
                session.SendError(new ProtocolError(ErrorCodes.Overloaded, "the server cannot take messages this fast right now; send again later", reference));
                break;
            case AcceptStatus.DuplicateClientMsgId:
                session.SendError(new ProtocolError(ErrorCodes.DuplicateClientMsgId, ChatSession.DuplicateClientMsgIdMessage, reference));
                break;
            case AcceptStatus.Unavailable:
                session.SendError(new ProtocolError(ErrorCodes.Unavailable, "the database could not confirm that this client_msg_id is new; nothing was sent; send again later", reference));
                break;
            case AcceptStatus.BackplaneUnavailable:
                session.SendError(new ProtocolError(ErrorCodes.Unavailable, "the backplane is unreachable; send again", reference));
                break;
        }
    }

    private async ValueTask HistoryAsync(ChatSession session, ClientRequest request, CancellationToken cancellationToken)
    {
        if (!ProtocolRules.IsValidRoomId(request.RoomId))
        {
            session.SendError(BadRoomId("history"));
            return;
        }

        if (RoomAccess.Refusal(session.Identity, request.RoomId!) is { } refusal)
        {
            session.SendError(new ProtocolError(ErrorCodes.Forbidden, refusal, "history"));
            return;
        }

        if (request.Limit is <= 0)
        {
            session.SendError(new ProtocolError(ErrorCodes.BadRequest, "limit must be positive", "history"));
            return;
        }

        var limit = Math.Min(request.Limit ?? _options.DefaultHistory, _options.MaxHistory);
        ObjectId? beforeId = null;
        if (request.Before is not null)
        {
            if (!ObjectId.TryParse(request.Before, out var parsed))
            {
                session.SendError(new ProtocolError(ErrorCodes.BadRequest, "before must be a message id (24 hex digits)", "history"));
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
        catch (ArchiveUnavailableException)
        {
            session.SendError(Unavailable("history"));
            return;
        }

        session.Send(ServerFrames.History(request.RoomId!, page));
    }

    // A new token for the same user before the current one runs out: the connection lives on under it. Rooms the new
    // token no longer grants are left, so that access always follows the token in force.
    private async ValueTask RefreshAsync(ChatSession session, string? token, CancellationToken cancellationToken)
    {
        if (session.Identity is null)
        {
            session.SendError(new ProtocolError(ErrorCodes.BadRequest, "authentication is off on this server: there is no token to refresh", "refresh"));
            return;
        }

        var check = await tokens.ValidateAsync(token, cancellationToken);
        if (check.Identity is not { } refreshed)
        {
            session.SendError(new ProtocolError(ErrorCodes.Unauthorized, $"{check.Detail} ({check.ReasonCode}); the connection keeps its current token", "refresh"));
            return;
        }

        if (refreshed.Name != session.User)
        {
            session.SendError(new ProtocolError(ErrorCodes.Forbidden, "the token is for another user; a connection keeps its user", "refresh"));
            return;
        }

        session.Refresh(refreshed);
        foreach (var roomId in session.Rooms.ToArray())
        {
            if (RoomAccess.Refusal(refreshed, roomId) is not null)
            {
                LeaveRoom(session, roomId);
            }
        }

        session.Send(ServerFrames.Refreshed(refreshed.ExpiresAt));
    }

    // The database did not answer a history read (an outage, a timeout): the client is told, the connection lives on.
    private static ProtocolError Unavailable(string? reference) =>
        new(ErrorCodes.Unavailable, "history could not be read from the database; try again later", reference);

    private static ProtocolError BadRoomId(string? reference) =>
        new(ErrorCodes.BadRequest, "room_id must match ^[A-Za-z0-9_.:-]{1,64}$", reference);

    /// <summary>Takes the session out of every room it is in (its connection ended).</summary>
    public void Disconnect(ChatSession session)
    {
        foreach (var roomId in session.Rooms)
        {
            rooms.Leave(session.Client, roomId);
        }
    }

    private static string? TypeName(ClientRequest? request) => request?.Kind.ToString().ToLowerInvariant();
}
