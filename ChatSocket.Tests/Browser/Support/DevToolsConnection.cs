using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChatSocket.Tests.Browser.Support;

/// <summary>
/// A minimal Chrome DevTools Protocol client: JSON commands with ids over one WebSocket, answers matched by id,
/// commands for a page carry its flat-mode session id. Of the events it keeps only console output and uncaught
/// exceptions (a bounded tail), which is what a failing test wants to print.
/// </summary>
internal sealed class DevToolsConnection : IAsyncDisposable
{
    private const int ConsoleLinesKept = 100;
    // A full-page PNG in base64 is a few MiB; anything far past that is a runaway, not an answer.
    private const int MaxMessageBytes = 64 * 1024 * 1024;
    private static readonly TimeSpan CommandDeadline = TimeSpan.FromSeconds(15);

    private readonly ClientWebSocket _socket;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Queue<string> _console = new();
    private readonly Task _receiveLoop;
    private long _nextId;

    private DevToolsConnection(ClientWebSocket socket)
    {
        _socket = socket;
        _receiveLoop = ReceiveLoopAsync(_stop.Token);
    }

    public static async Task<DevToolsConnection> ConnectAsync(Uri browserEndpoint, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        // Screenshots come back as one large base64 message; a bigger receive buffer means fewer reads.
        socket.Options.SetBuffer(64 * 1024, 16 * 1024);
        try
        {
            await socket.ConnectAsync(browserEndpoint, cancellationToken).WaitAsync(CommandDeadline, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new DevToolsConnection(socket);
    }

    /// <summary>Sends one command and returns its result, or throws <see cref="DevToolsException"/>.</summary>
    public async Task<JsonElement> SendAsync(
        string method, JsonObject? parameters, string? sessionId, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId);
        var command = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? [] };
        if (sessionId is not null)
        {
            command["sessionId"] = sessionId;
        }

        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        try
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(command);
            await _sendLock.WaitAsync(cancellationToken).WaitAsync(CommandDeadline, cancellationToken);
            try
            {
                await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, cancellationToken)
                    .WaitAsync(CommandDeadline, cancellationToken);
            }
            finally
            {
                _sendLock.Release();
            }

            return await answer.Task.WaitAsync(CommandDeadline, cancellationToken);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"DevTools command {method} got no answer within {CommandDeadline}", e);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Console output and uncaught exceptions of all pages, oldest first (the last 100 lines).</summary>
    public string ConsoleTail()
    {
        lock (_console)
        {
            return string.Join('\n', _console);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _receiveLoop.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            // The socket is aborted below, which ends a receive that ignored the token.
        }

        _socket.Abort();
        _socket.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        Exception ended = new DevToolsException("the DevTools connection closed");
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var result = await _socket.ReceiveAsync(buffer, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                if (message.Length + result.Count > MaxMessageBytes)
                {
                    throw new WebSocketException($"a DevTools message exceeded {MaxMessageBytes} bytes");
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                Dispatch(message.GetBuffer().AsMemory(0, (int)message.Length));
                message.SetLength(0);
            }
        }
        catch (OperationCanceledException)
        {
            // Disposal.
        }
        catch (WebSocketException e)
        {
            // The browser went away (killed in teardown, or crashed): fail whatever is still waiting.
            ended = new DevToolsException($"the DevTools connection failed: {e.Message}");
        }
        catch (JsonException e)
        {
            // Not the protocol we speak: stop here rather than let commands wait for answers that cannot be read.
            ended = new DevToolsException($"the browser sent something that is not JSON: {e.Message}");
        }

        foreach (var waiting in _pending.Values)
        {
            waiting.TrySetException(ended);
        }
    }

    private void Dispatch(ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.TryGetProperty("id", out var idElement))
        {
            if (!_pending.TryGetValue(idElement.GetInt64(), out var answer))
            {
                return;
            }

            if (root.TryGetProperty("error", out var error))
            {
                answer.TrySetException(new DevToolsException($"DevTools error: {error.GetRawText()}"));
            }
            else
            {
                answer.TrySetResult(root.TryGetProperty("result", out var result) ? result.Clone() : default);
            }

            return;
        }

        var method = root.TryGetProperty("method", out var m) ? m.GetString() : null;
        if (method is "Runtime.consoleAPICalled" or "Runtime.exceptionThrown")
        {
            KeepConsole($"{method}: {root.GetProperty("params").GetRawText()}");
        }
    }

    private void KeepConsole(string line)
    {
        lock (_console)
        {
            _console.Enqueue(line.Length > 2000 ? line[..2000] : line);
            while (_console.Count > ConsoleLinesKept)
            {
                _console.Dequeue();
            }
        }
    }
}
