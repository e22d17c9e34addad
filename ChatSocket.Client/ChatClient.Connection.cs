using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using ChatSocket.Client.Protocol;

namespace ChatSocket.Client;

// The connection loop: connect, rejoin every room, read frames until the connection ends, back off, again.
public sealed partial class ChatClient
{
    private async Task<ClientWebSocket> OpenAsync(CancellationToken cancellationToken)
    {
        string? token = null;
        if (_options.AccessTokenProvider is { } provider)
        {
            try
            {
                token = await provider(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The application's provider failed (an identity server down): a connection attempt that failed.
                throw new ChatConnectionException("the AccessTokenProvider failed: " + ex.Message, innerException: ex);
            }
        }

        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = _options.KeepAliveInterval;
        socket.Options.KeepAliveTimeout = _options.KeepAliveInterval;
        socket.Options.CollectHttpResponseDetails = true;
        try
        {
            await socket.ConnectAsync(UriWith(token), cancellationToken);
            return socket;
        }
        catch (Exception ex) when (ex is WebSocketException or HttpRequestException)
        {
            var status = (int)socket.HttpStatusCode;
            socket.Dispose();
            throw new ChatConnectionException(
                status == 0 ? $"could not connect to {CurrentEndpoint}: {ex.Message}" : $"{CurrentEndpoint} refused the WebSocket upgrade with HTTP {status}",
                httpStatusCode: status == 0 ? null : status,
                innerException: ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private Uri UriWith(string? accessToken)
    {
        var query = new List<string>();
        if (CurrentEndpoint.Query.Length > 1)
        {
            query.Add(CurrentEndpoint.Query[1..]);
        }

        if (_options.User is { } user)
        {
            query.Add("user=" + Uri.EscapeDataString(user));
        }

        if (accessToken is not null)
        {
            query.Add("access_token=" + Uri.EscapeDataString(accessToken));
        }

        return new UriBuilder(CurrentEndpoint) { Query = string.Join('&', query) }.Uri;
    }

    private async Task RunAsync(ClientWebSocket first, CancellationToken cancellationToken)
    {
        // Off the caller's stack: ConnectAsync returns while this runs.
        await Task.Yield();
        Exception? stopReason = null;
        ClientWebSocket? socket = first;
        var failures = 0;
        try
        {
            while (true)
            {
                Exception? lastError = null;
                if (socket is not null)
                {
                    (stopReason, lastError) = await ServeAsync(socket, cancellationToken);
                    socket.Dispose();
                    socket = null;
                    if (stopReason is not null || _closing)
                    {
                        break;
                    }

                    failures = 0;
                }

                if (_options.Reconnect.MaxAttempts is { } max && failures >= max)
                {
                    stopReason = new ChatConnectionException($"gave up after {failures} failed connection attempts", innerException: lastError);
                    break;
                }

                var delay = _options.Reconnect.DelayFor(failures++);
                SetState(ChatConnectionState.Reconnecting, lastError);
                await Task.Delay(delay, cancellationToken);
                try
                {
                    socket = await OpenAsync(cancellationToken);
                }
                catch (ChatConnectionException ex) when (ex.HttpStatusCode is 400 or 403 or 404 or 426)
                {
                    // Refusals that another attempt will not change (a wrong path, an origin or version mismatch).
                    stopReason = ex;
                    break;
                }
                catch (ChatConnectionException ex)
                {
                    ClientLog.ConnectFailed(_logger, _options.Reconnect.DelayFor(failures), ex);
                    // A node that is down or refusing: the next attempt tries the next address, if there is one.
                    Volatile.Write(ref _endpoint, (_endpoint + 1) % _endpoints.Length);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Disposed.
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // A bug in this loop must show in Completion, not pass for a clean disposal.
            stopReason = ex;
        }
        finally
        {
            socket?.Dispose();
            Stop(stopReason);
        }
    }

    // One connection's life: returns why the client must stop (null to reconnect) and what ended the connection.
    private async Task<(Exception? Stop, Exception? Error)> ServeAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        int generation;
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            generation = ++_generation;
            _socket = socket;
            lock (_joinsGate)
            {
                _joinsInFlight.Clear();
            }
        }
        finally
        {
            _writeLock.Release();
        }

        ClientLog.Connected(_logger, CurrentEndpoint, generation);
        SetState(ChatConnectionState.Connected, null);
        Exception? error = null;
        try
        {
            foreach (var room in _rooms.Values)
            {
                await SendJoinAsync(room, generation, again: false, cancellationToken);
            }

            await ReceiveLoopAsync(socket, generation, cancellationToken);
        }
        catch (Exception ex) when (ex is WebSocketException or InvalidDataException)
        {
            error = ex;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            // A server that does not speak protocol v1 cannot be trusted with resumes: drop this connection.
            ClientLog.BadFrame(_logger, ex);
            error = ex;
        }
        finally
        {
            if (socket.State is not (WebSocketState.Closed or WebSocketState.Aborted))
            {
                // Fails any write still in progress on this connection, so the lock below is released.
                socket.Abort();
            }

            await _writeLock.WaitAsync(CancellationToken.None);
            _socket = null;
            _writeLock.Release();
        }

        if (_closing || cancellationToken.IsCancellationRequested)
        {
            return (null, error);
        }

        var status = socket.CloseStatus;
        if (status is { } code && !IsReconnectable(code))
        {
            return (new ChatConnectionException(
                $"the server closed the connection with {(int)code} ({socket.CloseStatusDescription}); not reconnecting", code, innerException: error), error);
        }

        ClientLog.ConnectionLost(_logger, generation, status, error);
        return (null, error ?? new WebSocketException($"the server closed the connection ({(int?)status} {socket.CloseStatusDescription})"));
    }

    // 1001 going away, 1011 server error, 1012/1013 try again later (1013: this client was a slow consumer), 1006
    // (no close frame): the server or the network will be back. A protocol breach (1002, 1003, 1007, 1009, 1010) or a
    // policy violation (1008) would come back with every attempt: stop and report.
    private static bool IsReconnectable(WebSocketCloseStatus status) =>
        (int)status is not (1002 or 1003 or 1007 or 1008 or 1009 or 1010);

    private async Task ReceiveLoopAsync(ClientWebSocket socket, int generation, CancellationToken cancellationToken)
    {
        var frame = new ArrayBufferWriter<byte>(16 * 1024);
        while (true)
        {
            var result = await socket.ReceiveAsync(frame.GetMemory(8 * 1024), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await AnswerCloseAsync(socket);
                return;
            }

            frame.Advance(result.Count);
            if (frame.WrittenCount > _options.MaxReceiveBytes)
            {
                throw new InvalidDataException($"a frame from the server is over MaxReceiveBytes ({_options.MaxReceiveBytes})");
            }

            if (!result.EndOfMessage)
            {
                continue;
            }

            if (result.MessageType == WebSocketMessageType.Text && _options.DropIncomingFrame?.Invoke(frame.WrittenMemory) != true)
            {
                await DispatchAsync(ServerFrameParser.Parse(frame.WrittenMemory), generation, cancellationToken);
            }

            frame.ResetWrittenCount();
        }
    }

    private async Task AnswerCloseAsync(ClientWebSocket socket)
    {
        if (socket.State != WebSocketState.CloseReceived)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(CloseTimeout);
        try
        {
            await _writeLock.WaitAsync(timeout.Token);
            try
            {
                await socket.CloseOutputAsync(socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            finally
            {
                _writeLock.Release();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // The server drops the TCP connection after its close timeout anyway.
        }
    }

    private async Task DispatchAsync(ServerFrame frame, int generation, CancellationToken cancellationToken)
    {
        switch (frame.Type)
        {
            case "history":
                if (TakeJoinInFlight(frame.RoomId) is { } join && IsCurrent(join.Room))
                {
                    var more = join.Room.OnHistory(frame.Messages, frame.HasMore, join.Resume, generation);
                    await FlushAsync(join.Room.RoomId, cancellationToken);
                    if (more)
                    {
                        await SendJoinAsync(join.Room, generation, again: true, cancellationToken);
                    }
                }

                break;
            case "message":
                if (frame.Message is { } message && _rooms.TryGetValue(message.RoomId, out var room))
                {
                    room.OnMessage(message, generation);
                }

                break;
            case "ack":
                if (frame.ClientMsgId is { } acked && frame.Id is { } id && _pending.TryGetValue(acked, out var sent))
                {
                    sent.Complete(SendOutcome.Acked(id));
                }

                break;
            case "error":
                OnError(frame, generation);
                break;
        }
    }

    private void OnError(ServerFrame frame, int generation)
    {
        var code = frame.Code ?? "unknown";
        var text = frame.ErrorMessage ?? "";
        if (frame.Ref is { } reference && _pending.TryGetValue(reference, out var message))
        {
            var outcome = SendOutcome.Refused(code, text);
            if (ChatErrorCodes.IsTransient(code))
            {
                message.Refuse(outcome);
            }
            else
            {
                message.Complete(outcome);
            }

            return;
        }

        // The server answers frames in order and a join error's ref is "join": it answers the oldest join in flight.
        if (frame.Ref == "join" && TakeJoinInFlight(roomId: null) is { } join && IsCurrent(join.Room))
        {
            var room = join.Room;
            if (room.OnJoinRefused(code, text, _options.Reconnect) is { } delay)
            {
                ClientLog.JoinRefused(_logger, room.RoomId, code, delay);
                _background.Start(async () =>
                {
                    await Task.Delay(delay, _stopping.Token);
                    await SendJoinAsync(room, generation, again: true, _stopping.Token);
                });
            }
            else
            {
                ForgetRoom(room, ChatServerException.For(code, text));
            }

            return;
        }

        ClientLog.ServerError(_logger, code, frame.Ref, text);
    }

    // The join a history (of roomId) or a join error (null: the oldest) answers.
    private (ChatRoom Room, bool Resume)? TakeJoinInFlight(string? roomId)
    {
        lock (_joinsGate)
        {
            var index = roomId is null ? (_joinsInFlight.Count > 0 ? 0 : -1) : _joinsInFlight.FindIndex(j => j.Room.RoomId == roomId);
            if (index < 0)
            {
                return null;
            }

            var join = _joinsInFlight[index];
            _joinsInFlight.RemoveAt(index);
            return join;
        }
    }

    private bool IsCurrent(ChatRoom room) => _rooms.TryGetValue(room.RoomId, out var current) && ReferenceEquals(current, room);

    /// <summary>Writes a join for <paramref name="room"/> on the current connection (or on <paramref name="generation"/>
    /// only, when given). Writes use the client's own token: cancelling a WebSocket write aborts the connection.</summary>
    private async Task SendJoinAsync(ChatRoom room, int? generation, bool again, CancellationToken cancellationToken, bool onlyIfReady = false)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            if (_socket is not { State: WebSocketState.Open } socket || (generation is { } expected && expected != _generation) ||
                !IsCurrent(room) || (onlyIfReady && !room.IsReadyOn(_generation)) || room.PrepareJoin(_generation, again) is not { } join)
            {
                // Not connected: the next connection joins every room anyway.
                return;
            }

            lock (_joinsGate)
            {
                _joinsInFlight.Add((room, join.Resume));
            }

            await socket.SendAsync(join.Frame, WebSocketMessageType.Text, true, _stopping.Token);
        }
        catch (WebSocketException)
        {
            // The connection is going: its receive loop reconnects, and the next connection joins again.
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Disposing: no more joins.
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Writes, in the order they were sent, the messages of a room not yet written on this connection,
    /// once the room is joined on it.</summary>
    private async Task FlushAsync(string roomId, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            if (_socket is not { State: WebSocketState.Open } socket || !_rooms.TryGetValue(roomId, out var room) || !room.IsReadyOn(_generation))
            {
                return;
            }

            foreach (var message in _pending.Values.Where(m => m.RoomId == roomId).OrderBy(m => m.Sequence))
            {
                if (message.TryMarkWritten(_generation))
                {
                    await socket.SendAsync(message.Frame, WebSocketMessageType.Text, true, _stopping.Token);
                }
            }
        }
        catch (WebSocketException)
        {
            // The connection is going: unacked messages are written again on the next one.
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Disposing: the pending sends are failed by Stop.
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void ForgetRoom(ChatRoom room, Exception? reason)
    {
        if (!_rooms.TryRemove(new KeyValuePair<string, ChatRoom>(room.RoomId, room)))
        {
            return;
        }

        room.Complete(reason);
        foreach (var message in _pending.Values.Where(m => m.RoomId == room.RoomId))
        {
            message.Complete(SendOutcome.Failed(reason ?? new ChatException($"room {room.RoomId} was left before the ack")));
        }
    }

    private void SetState(ChatConnectionState state, Exception? error)
    {
        lock (_stateGate)
        {
            if (_state == state || _state == ChatConnectionState.Stopped)
            {
                return;
            }

            _state = state;
        }

        try
        {
            StateChanged?.Invoke(this, new ChatConnectionStateChangedEventArgs(state, error));
        }
#pragma warning disable CA1031 // An application handler's bug must not end the connection loop.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            OnHandlerFailed(ex);
        }
    }

    private void Stop(Exception? reason)
    {
        _stopReason = reason ?? new ObjectDisposedException(nameof(ChatClient));
        if (reason is not null)
        {
            ClientLog.Stopped(_logger, reason.Message);
        }

        SetState(ChatConnectionState.Stopped, reason);
        foreach (var room in _rooms.Values)
        {
            ForgetRoom(room, reason);
        }

        foreach (var message in _pending.Values)
        {
            message.Complete(SendOutcome.Failed(_stopReason));
        }

        if (reason is null)
        {
            _completion.TrySetResult();
        }
        else
        {
            _completion.TrySetException(reason);
        }
    }
}
