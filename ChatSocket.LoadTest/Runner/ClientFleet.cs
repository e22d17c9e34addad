using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ChatSocket.LoadTest.Client;
using ChatSocket.LoadTest.Metrics;
using ChatSocket.LoadTest.Options;
using ChatSocket.LoadTest.Protocol;

namespace ChatSocket.LoadTest.Runner;

/// <summary>
/// Opens, holds and closes a set of <see cref="LoadClient"/>s: connections are opened at most
/// <see cref="LoadOptions.ConnectConcurrency"/> at a time, evenly over the ramp-up, each from the next source address;
/// ChatSocket clients then join their room. Every connection's loop is owned here and awaited by <see cref="CloseAsync"/>.
/// </summary>
internal sealed class ClientFleet : IAsyncDisposable
{
    private readonly RunState _state;
    private readonly List<LoadClient> _clients = [];
    private readonly List<Task<string>> _loops = [];
    private readonly Lock _loopsLock = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly IPEndPoint _server;
    private readonly string _host;
    private readonly LatencyStats _connectLatency = new();
    private int _connectFailures;
    private int _dropped;
    private volatile bool _closing;

    /// <summary>Creates an empty fleet for the run.</summary>
    public ClientFleet(RunState state)
    {
        _state = state;
        var url = state.Options.Url;
        var address = string.Equals(url.Host, "localhost", StringComparison.OrdinalIgnoreCase)
            ? IPAddress.Loopback
            : IPAddress.Parse(url.Host.Trim('[', ']'));
        _server = new IPEndPoint(address, url.Port);
        _host = url.Authority;
        _connectLatency.StartMeasuring();
    }

    /// <summary>Clients whose connection succeeded (and, for ChatSocket, whose join was confirmed).</summary>
    public IReadOnlyList<LoadClient> Clients => _clients;

    /// <summary>Connection attempts that failed (refused, timed out, bad upgrade, join not confirmed).</summary>
    public int ConnectFailures => Volatile.Read(ref _connectFailures);

    /// <summary>Connections that ended before the fleet was closed.</summary>
    public int Dropped => Volatile.Read(ref _dropped);

    /// <summary>Connected clients that are still open.</summary>
    public int Open => _clients.Count - Dropped;

    /// <summary>Time from the first byte of connect to the confirmed join (or to the upgrade, for raw).</summary>
    public LatencySummary ConnectLatency() => _connectLatency.Snapshot();

    /// <summary>Connects (and joins) every client of <paramref name="pending"/>; waits for all attempts to finish.</summary>
    /// <param name="pending">Clients to connect.</param>
    /// <param name="history">History to ask for on join (ChatSocket).</param>
    /// <param name="rampUp">Spread the attempts over this time.</param>
    /// <param name="zeroByteReads">Hold no receive buffer while idle.</param>
    /// <param name="cancellationToken">Stops connecting.</param>
    public async Task ConnectAsync(IReadOnlyList<LoadClient> pending, int history, TimeSpan rampUp, bool zeroByteReads, CancellationToken cancellationToken)
    {
        var options = _state.Options;
        var settings = new ConnectionSettings(
            options.MaxPendingSendBytes, options.ReceiveBufferBytes, options.MaxFrameBytes, zeroByteReads, options.ReceiveTime == ReceiveTimeSource.Kernel);
        var start = Stopwatch.GetTimestamp();
        var spacingTicks = pending.Count > 1 ? (long)(rampUp.TotalSeconds * Stopwatch.Frequency / pending.Count) : 0;
        var connected = new LoadClient?[pending.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, pending.Count),
            new ParallelOptions { MaxDegreeOfParallelism = options.ConnectConcurrency, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var due = start + (i * spacingTicks);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, token);
                }

                connected[i] = await ConnectOneAsync(pending[i], settings, history, token) ? pending[i] : null;
            });
        _clients.AddRange(connected.OfType<LoadClient>());
    }

    /// <summary>Asks every open connection to close, waits up to <paramref name="timeout"/> for the server's answers,
    /// then cuts what is left, and waits for every loop to end.</summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        _closing = true;
        foreach (var client in _clients)
        {
            client.Connection?.RequestClose();
        }

        var loops = Loops();
        try
        {
            await Task.WhenAll(loops).WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            // Servers that do not answer the close handshake in time are cut off below.
        }

        await _lifetime.CancelAsync();
        await Task.WhenAll(loops);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _lifetime.CancelAsync();
        await Task.WhenAll(Loops());
        foreach (var client in _clients)
        {
            client.Connection?.Dispose();
        }

        _lifetime.Dispose();
    }

    private async Task<bool> ConnectOneAsync(LoadClient client, ConnectionSettings settings, int history, CancellationToken cancellationToken)
    {
        var options = _state.Options;
        var source = options.SourceAddresses[client.Index % options.SourceAddresses.Count];
        var room = _state.RoomName(client.Room);
        var path = ProtocolFrames.PathAndQuery(options.Url, options.Protocol, room, client.User);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        client.JoinStartedTicks = Stopwatch.GetTimestamp();
        try
        {
            client.Connection = await WsConnection.ConnectAsync(_server, source, _host, path, settings, timeout.Token);
        }
        catch (Exception e) when (e is SocketException or WebSocketConnectException or OperationCanceledException or IOException)
        {
            // A refused or failed attempt is a result of the run, not a fault of the tool: count it and go on.
            Interlocked.Increment(ref _connectFailures);
            _state.NoteError("connect: " + Describe(e));
            return false;
        }

        _state.MemberJoined(client.Room);
        client.Loop = RunLoopAsync(client);
        lock (_loopsLock)
        {
            _loops.Add(client.Loop);
        }

        if (options.Protocol == WireProtocol.Raw)
        {
            _connectLatency.Record(Stopwatch.GetElapsedTime(client.JoinStartedTicks).Ticks / 10);
            return true;
        }

        client.Connection.TrySendText(ProtocolFrames.Join(room, history));
        try
        {
            await client.Joined.WaitAsync(timeout.Token);
            _connectLatency.Record((client.JoinedTicks - client.JoinStartedTicks) / RunState.TicksPerMicro);
            return true;
        }
        catch (OperationCanceledException)
        {
            // No joined frame in time, or the connection ended first: the client is counted as failed and closed.
            Interlocked.Increment(ref _connectFailures);
            _state.NoteError("join not confirmed");
            // Its loop is awaited with the others when the fleet closes.
            client.Abandoned = true;
            client.Connection.RequestClose();
            return false;
        }
    }

    private async Task<string> RunLoopAsync(LoadClient client)
    {
        string reason;
        try
        {
            reason = await client.Connection!.RunAsync(client, _lifetime.Token);
        }
        finally
        {
            _state.MemberLeft(client.Room);
            client.ConnectionEnded();
        }

        if (!_closing && !client.Abandoned && !_lifetime.IsCancellationRequested)
        {
            Interlocked.Increment(ref _dropped);
            _state.NoteError("disconnect: " + reason);
        }

        return reason;
    }

    private Task<string>[] Loops()
    {
        lock (_loopsLock)
        {
            return [.. _loops];
        }
    }

    private static string Describe(Exception e) => e switch
    {
        SocketException s => s.SocketErrorCode.ToString(),
        OperationCanceledException => "timed out",
        _ => e.Message,
    };
}
