using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ChatSocket.EmbeddedMongo.Commands;
using ChatSocket.EmbeddedMongo.Cursors;
using ChatSocket.EmbeddedMongo.Faults;
using ChatSocket.EmbeddedMongo.Hosting;
using ChatSocket.EmbeddedMongo.Journal;
using ChatSocket.EmbeddedMongo.Storage;
using ChatSocket.EmbeddedMongo.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatSocket.EmbeddedMongo;

/// <summary>
/// A MongoDB-wire-compatible server on 127.0.0.1 that MongoDB drivers connect to like to a standalone mongod.
/// In memory, or durable with a journal in <see cref="EmbeddedMongoOptions.DataDirectory"/>.
/// </summary>
public sealed class EmbeddedMongoServer : IAsyncDisposable
{
    private const string JournalFileName = "journal.bin";

    private readonly EmbeddedMongoOptions _options;
    private readonly ILogger _logger;
    private readonly StorageEngine _storage;
    private readonly CursorStore _cursors;
    private readonly CommandDispatcher _dispatcher;
    private readonly ConcurrentDictionary<int, (WireConnection Connection, Task Task)> _connections = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly SemaphoreSlim _listenerGate = new(1, 1);
    private readonly Task _reaper;
    private readonly Task _journalFlusher;
    private TcpListener? _listener;
    private CancellationTokenSource? _acceptCancellation;
    private Task _acceptLoop = Task.CompletedTask;
    private int _nextConnectionId;
    private int _disposed;

    private EmbeddedMongoServer(EmbeddedMongoOptions options, StorageEngine storage, FaultInjector faults)
    {
        _options = options;
        _logger = CreateLogger(options);
        _storage = storage;
        _cursors = new CursorStore(options.MaxOpenCursors, options.CursorTimeout);
        Faults = faults;
        _dispatcher = new CommandDispatcher(storage, _cursors, Faults, () => _connections.Count, _logger);
        _reaper = ReapCursorsAsync(_shutdown.Token);
        _journalFlusher = storage.Journal?.RunAsync(_shutdown.Token) ?? Task.CompletedTask;
    }

    /// <summary>The TCP port the server listens on (chosen at start when the options said 0).</summary>
    public int Port { get; private set; }

    /// <summary><c>mongodb://127.0.0.1:&lt;port&gt;/</c>, for <c>new MongoClient(...)</c>.</summary>
    public string ConnectionString => $"mongodb://127.0.0.1:{Port}/";

    /// <summary>Fault injection for reliability tests.</summary>
    public FaultInjector Faults { get; }

    /// <summary>Open client connections.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>The storage, for in-process measurements (benchmarks) that bypass the wire.</summary>
    internal StorageEngine Storage => _storage;

    /// <summary>Open server-side cursors (those not exhausted, killed or timed out).</summary>
    public int OpenCursorCount => _cursors.Count;

    private static LevelFilteredLogger CreateLogger(EmbeddedMongoOptions options) =>
        new((options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("ChatSocket.EmbeddedMongo"), options.MinimumLogLevel);

    /// <summary>Starts a server: replays the journal (if any), then listens.</summary>
    public static async Task<EmbeddedMongoServer> StartAsync(EmbeddedMongoOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new EmbeddedMongoOptions();
        options.Validate();
        var storage = new StorageEngine();
        var logger = CreateLogger(options);

        // The injector exists before the journal, which it wraps; it reaches the connections once they exist.
        EmbeddedMongoServer? started = null;
        var faults = new FaultInjector(() => started?.DropAllConnections());
        if (options.DataDirectory is { } directory)
        {
            storage.Journal = await OpenJournalAsync(directory, storage, options, faults, logger, cancellationToken);
        }

        var server = started = new EmbeddedMongoServer(options, storage, faults);
        try
        {
            await server.StartListenerAsync(options.Port, cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        EngineLog.Listening(logger, server.ConnectionString, options.DataDirectory ?? "(in memory)");
        return server;
    }

    private static async Task<JournalWriter> OpenJournalAsync(string directory, StorageEngine storage, EmbeddedMongoOptions options, FaultInjector faults, ILogger logger, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, JournalFileName);
        long length;
        // FileShare.None: a second engine on the same directory fails at once instead of corrupting the journal.
        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.None);
        IJournalFile Writable(FileStream stream)
        {
            IJournalFile journal = new FaultInjectingJournalFile(new JournalFile(stream), faults);
            return options.JournalFileDecorator?.Invoke(journal) ?? journal;
        }

        try
        {
            var validEnd = JournalReplayer.Replay(file, storage, out var records);
            if (validEnd < file.Length)
            {
                EngineLog.JournalTornTail(logger, path, file.Length - validEnd, validEnd);
                file.SetLength(validEnd);
                file.Flush(flushToDisk: true);
            }

            EngineLog.JournalReplayed(logger, records, validEnd);
            length = validEnd;
            if (!JournalCompactor.IsWorthIt(length, storage, options.CompactJournalAboveBytes))
            {
                return new JournalWriter(Writable(file), options.MaxJournalBufferBytes);
            }
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }

        // Compact while nothing else runs: close, rewrite the live state, reopen the new file for appending.
        await file.DisposeAsync();
        var compacted = false;
        try
        {
            await JournalCompactor.CompactAsync(path, storage, cancellationToken);
            compacted = true;
        }
        catch (IOException e)
        {
            // No room for the rewrite (a full disk): the journal as it was is intact, so go on with it.
            EngineLog.JournalCompactionFailed(logger, e, path);
        }

        var reopened = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.None);
        if (compacted)
        {
            EngineLog.JournalCompacted(logger, length, reopened.Length);
        }

        return new JournalWriter(Writable(reopened), options.MaxJournalBufferBytes);
    }

    /// <summary>Starts listening again (after <see cref="StopListenerAsync"/>) on the same port.</summary>
    public Task StartListenerAsync(CancellationToken cancellationToken = default) => StartListenerAsync(Port, cancellationToken);

    private async Task StartListenerAsync(int port, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        await _listenerGate.WaitAsync(cancellationToken);
        try
        {
            if (_listener is not null)
            {
                return;
            }

            var listener = new TcpListener(IPAddress.Loopback, port);
            AllowRebindDespiteTimeWait(listener.Server);
            listener.Start(backlog: 512);
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            _listener = listener;
            _acceptCancellation = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token);
            _acceptLoop = AcceptLoopAsync(listener, _acceptCancellation.Token);
        }
        finally
        {
            _listenerGate.Release();
        }
    }

    // A restart on the same port must not fail while old connections linger in TIME_WAIT: SO_REUSEADDR. On Linux .NET's
    // ReuseAddress also sets SO_REUSEPORT, which lets a second engine bind the same port and take half of the
    // connections (two servers on one machine would split their data silently), so only SO_REUSEADDR is set there.
    private static void AllowRebindDespiteTimeWait(Socket socket)
    {
        if (OperatingSystem.IsLinux())
        {
            const int SolSocket = 1, SoReuseAddr = 2;
            socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
        }
        else if (!OperatingSystem.IsWindows())
        {
            // Elsewhere (macOS) ReuseAddress is SO_REUSEADDR alone; on Windows it would allow stealing the port.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        }
    }

    /// <summary>
    /// Stops listening and closes every connection: clients see the server as down until
    /// <see cref="StartListenerAsync(CancellationToken)"/>. Data stays as it is.
    /// </summary>
    public async Task StopListenerAsync()
    {
        await _listenerGate.WaitAsync();
        try
        {
            if (_listener is null)
            {
                return;
            }

            await _acceptCancellation!.CancelAsync();
            _listener.Stop();
            await _acceptLoop;
            _acceptCancellation.Dispose();
            _acceptCancellation = null;
            _listener = null;
            await CloseConnectionsAsync();
            EngineLog.ListenerStopped(_logger, Port);
        }
        finally
        {
            _listenerGate.Release();
        }
    }

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                // The listener was stopped.
                return;
            }

            if (Faults.IsRefusingConnections || _connections.Count >= _options.MaxConnections)
            {
                EngineLog.ConnectionRefused(_logger, Faults.IsRefusingConnections ? "refusing (fault injection)" : "connection limit reached");
                socket.Close();
                continue;
            }

            socket.NoDelay = true;
            var id = Interlocked.Increment(ref _nextConnectionId);
            var connection = new WireConnection(socket, id, _dispatcher, _logger);
            EngineLog.ConnectionAccepted(_logger, id, socket.RemoteEndPoint?.ToString() ?? "?");
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _connections[id] = (connection, RunConnectionAsync(connection, started.Task));
            started.SetResult();
        }
    }

    private async Task RunConnectionAsync(WireConnection connection, Task registered)
    {
        // Wait until the connection is in the registry so that removing it in finally cannot race the add.
        await registered;
        try
        {
            await connection.RunAsync(_shutdown.Token);
        }
        catch (Exception e)
        {
            // A bug in one command handler ends that one connection only; the driver reconnects.
            EngineLog.ConnectionFailed(_logger, e, connection.Id);
        }
        finally
        {
            connection.Abort();
            _connections.TryRemove(connection.Id, out _);
        }
    }

    private void DropAllConnections()
    {
        foreach (var pair in _connections)
        {
            pair.Value.Connection.Abort();
        }
    }

    private async Task CloseConnectionsAsync()
    {
        DropAllConnections();
        var tasks = _connections.Values.Select(c => c.Task).ToArray();
        await Task.WhenAll(tasks);
    }

    private async Task ReapCursorsAsync(CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromTicks(Math.Clamp(_options.CursorTimeout.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(30).Ticks));
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var killed = _cursors.Reap();
                if (killed > 0)
                {
                    EngineLog.CursorsReaped(_logger, killed);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Server disposed.
        }
    }

    /// <summary>Stops listening, closes connections, flushes and closes the journal.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopListenerAsync();
        await _shutdown.CancelAsync();
        await _reaper;
        await _journalFlusher;
        if (_storage.Journal is { } journal)
        {
            await journal.DisposeAsync();
        }

        _shutdown.Dispose();
        _listenerGate.Dispose();
    }
}
