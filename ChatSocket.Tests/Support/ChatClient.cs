using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace ChatSocket.Tests.Support;

/// <summary>
/// A test client over a real <see cref="ClientWebSocket"/>: sends JSON or plain text, and a background pump parses
/// every incoming text frame into a <see cref="JsonElement"/> queue that <see cref="ReceiveAsync"/> reads with a
/// deadline, skipping frames that do not match. <see cref="Closed"/> completes with the server's close status.
/// </summary>
internal sealed class ChatClient : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly ClientWebSocket _socket;
    private readonly HttpMessageInvoker? _invoker;
    private readonly Channel<JsonElement> _frames = Channel.CreateUnbounded<JsonElement>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly TaskCompletionSource<WebSocketCloseStatus?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private Task _pump = Task.CompletedTask;

    private ChatClient(ClientWebSocket socket, HttpMessageInvoker? invoker)
    {
        _socket = socket;
        _invoker = invoker;
    }

    /// <summary>The underlying socket.</summary>
    public ClientWebSocket Socket => _socket;

    /// <summary>Completes when the connection ends: the server's close status, or null when it was dropped.</summary>
    public Task<WebSocketCloseStatus?> Closed => _closed.Task;

    /// <summary>The close description the server sent.</summary>
    public string? CloseDescription { get; private set; }

    public static async Task<ChatClient> ConnectAsync(Uri uri, ChatClientOptions? options = null)
    {
        options ??= new ChatClientOptions();
        var socket = new ClientWebSocket();
        if (options.Origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", options.Origin);
        }

        if (options.BearerToken is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + options.BearerToken);
        }

        HttpMessageInvoker? invoker = null;
        if (options.ReceiveBufferSize is { } size)
        {
            invoker = new HttpMessageInvoker(new SocketsHttpHandler
            {
                ConnectCallback = async (context, cancellationToken) =>
                {
                    var tcp = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = size };
                    await tcp.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(tcp, ownsSocket: true);
                },
            });
        }

        await socket.ConnectAsync(uri, invoker, CancellationToken.None).WaitAsync(ChatServer.Deadline);
        var client = new ChatClient(socket, invoker);
        if (options.StartReceiving)
        {
            client.StartReceiving();
        }

        return client;
    }

    /// <summary>Starts the background reader (once).</summary>
    public void StartReceiving()
    {
        if (_pump.IsCompleted && !_closed.Task.IsCompleted)
        {
            _pump = PumpAsync(_stop.Token);
        }
    }

    /// <summary>Sends an object as a JSON text frame (anonymous objects: use snake_case member names).</summary>
    public Task SendJsonAsync(object frame) => SendTextAsync(JsonSerializer.Serialize(frame, Json));

    /// <summary>Sends a text frame.</summary>
    public Task SendTextAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).WaitAsync(ChatServer.Deadline);

    /// <summary>The next frame matching <paramref name="predicate"/>; earlier non-matching frames are discarded.</summary>
    public async Task<JsonElement> ReceiveAsync(Func<JsonElement, bool> predicate, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? ChatServer.Deadline);
        try
        {
            while (true)
            {
                var frame = await _frames.Reader.ReadAsync(deadline.Token);
                if (predicate(frame))
                {
                    return frame;
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException("no matching frame arrived in time");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"the connection closed ({_closed.Task.Result}) before a matching frame arrived");
        }
    }

    /// <summary>The next frame of <paramref name="type"/> (and room, if given).</summary>
    public Task<JsonElement> ReceiveTypeAsync(string type, string? roomId = null, TimeSpan? timeout = null) =>
        ReceiveAsync(f => f.GetProperty("type").GetString() == type && (roomId is null || (f.TryGetProperty("room_id", out var r) && r.GetString() == roomId)), timeout);

    /// <summary>The next <paramref name="count"/> <c>message</c> frames of a room.</summary>
    public async Task<List<JsonElement>> ReceiveMessagesAsync(string roomId, int count, TimeSpan? timeout = null)
    {
        var messages = new List<JsonElement>(count);
        while (messages.Count < count)
        {
            messages.Add(await ReceiveTypeAsync("message", roomId, timeout));
        }

        return messages;
    }

    /// <summary>Waits for the server to close the connection; returns its close status.</summary>
    public Task<WebSocketCloseStatus?> WaitForCloseAsync(TimeSpan? timeout = null) => _closed.Task.WaitAsync(timeout ?? ChatServer.Deadline);

    /// <summary>Whether no frame is waiting to be read right now.</summary>
    public bool HasNoPendingFrame => !_frames.Reader.TryPeek(out _);

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).WaitAsync(ChatServer.Deadline);
            }
            catch (Exception ex) when (ex is WebSocketException or TimeoutException or IOException)
            {
                // The server may already be gone; the socket is disposed below either way.
            }
        }

        await _stop.CancelAsync();
        await _pump.WaitAsync(ChatServer.Deadline).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
        _invoker?.Dispose();
        _stop.Dispose();
    }

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    CloseDescription = result.CloseStatusDescription;
                    _closed.TrySetResult(result.CloseStatus);
                    await _socket.CloseOutputAsync(result.CloseStatus ?? WebSocketCloseStatus.NormalClosure, null, cancellationToken)
                        .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    _frames.Writer.TryWrite(JsonDocument.Parse(message.ToArray()).RootElement.Clone());
                    message.SetLength(0);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // Dropped without a close frame, or the test is disposing the client.
            _closed.TrySetResult(null);
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }
}
