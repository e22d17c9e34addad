using System.Collections;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace ChatSocket.Transport;

/// <summary>
/// A TCP connection for Kestrel that costs little while it is quiet (issue 11). Kestrel's socket transport gives
/// every connection two pipes and a receive and a send loop from the start, about 2 KiB per connection for as long as
/// it is open. Here those exist only once something asks for <see cref="Transport"/> (Kestrel's HTTP layer, TLS); a
/// WebSocket upgraded below HTTP reads and writes the socket itself (<see cref="IDirectSocketFeature"/>) and never
/// gets them. Everything else (identity, items, end points, lifetime) is the connection's own fields, created on first
/// use; the features Kestrel adds go to a small list.
/// </summary>
internal sealed class LeanConnection : ConnectionContext, IFeatureCollection, IConnectionIdFeature, IConnectionTransportFeature,
    IConnectionItemsFeature, IConnectionLifetimeFeature, IConnectionEndPointFeature, IConnectionSocketFeature, IDirectSocketFeature
{
    private static long _lastId;

    private readonly Socket _socket;
    private readonly Lock _gate = new();
    private readonly EndPoint? _localEndPoint;
    private readonly EndPoint? _remoteEndPoint;
    private List<KeyValuePair<Type, object>>? _extraFeatures;
    private int _revision;
    private string? _connectionId;
    private IDictionary<object, object?>? _items;
    private IDuplexPipe? _transport;
    private SocketPipes? _pipes;
    private byte[]? _unread;
    private CancellationTokenSource? _closed;
    private CancellationToken? _closedTokenOverride;
    private bool _isClosed;
    private bool _detached;

    public LeanConnection(Socket socket)
    {
        _socket = socket;
        try
        {
            _localEndPoint = socket.LocalEndPoint;
            _remoteEndPoint = socket.RemoteEndPoint;
        }
        catch (SocketException)
        {
            // Reset between the accept and here: the connection ends at its first read.
        }
    }

    public Socket Socket => _socket;

    public override string ConnectionId
    {
        get => _connectionId ??= "L" + Interlocked.Increment(ref _lastId).ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        set => _connectionId = value;
    }

    public override IFeatureCollection Features => this;

    public override IDictionary<object, object?> Items
    {
        get => _items ??= new Dictionary<object, object?>();
        set => _items = value;
    }

    /// <summary>The duplex pipe over the socket, started on first use.</summary>
    public override IDuplexPipe Transport
    {
        get
        {
            lock (_gate)
            {
                if (_transport is null)
                {
                    if (_detached)
                    {
                        throw new InvalidOperationException("The socket was detached: it has no pipes.");
                    }

                    _pipes = new SocketPipes(_socket, _unread, FireClosed);
                    _unread = null;
                    _transport = _pipes;
                }

                return _transport;
            }
        }
        set
        {
            lock (_gate)
            {
                _transport = value;
            }
        }
    }

    public bool CanReadDirectly
    {
        get
        {
            lock (_gate)
            {
                return _transport is null;
            }
        }
    }

    public override CancellationToken ConnectionClosed
    {
        get => _closedTokenOverride ?? ClosedSource().Token;
        set => _closedTokenOverride = value;
    }

    public override EndPoint? LocalEndPoint
    {
        get => _localEndPoint;
        set => throw new NotSupportedException("The lean transport's end points are the socket's.");
    }

    public override EndPoint? RemoteEndPoint
    {
        get => _remoteEndPoint;
        set => throw new NotSupportedException("The lean transport's end points are the socket's.");
    }

    bool IFeatureCollection.IsReadOnly => false;

    int IFeatureCollection.Revision => _revision;

    object? IFeatureCollection.this[Type key]
    {
        get
        {
            lock (_gate)
            {
                if (_extraFeatures is not null)
                {
                    foreach (var pair in _extraFeatures)
                    {
                        if (pair.Key == key)
                        {
                            return pair.Value;
                        }
                    }
                }
            }

            return IsOwnFeature(key) ? this : null;
        }

        set
        {
            lock (_gate)
            {
                _extraFeatures ??= new List<KeyValuePair<Type, object>>(4);
                _extraFeatures.RemoveAll(pair => pair.Key == key);
                if (value is not null)
                {
                    _extraFeatures.Add(new KeyValuePair<Type, object>(key, value));
                }

                _revision++;
            }
        }
    }

    public void Unread(ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            if (_transport is not null)
            {
                throw new InvalidOperationException("The transport's pipes have started: bytes can no longer be given back.");
            }

            _unread = _unread is null ? bytes.ToArray() : [.. _unread, .. bytes];
        }
    }

    TFeature? IFeatureCollection.Get<TFeature>() where TFeature : default => (TFeature?)((IFeatureCollection)this)[typeof(TFeature)];

    void IFeatureCollection.Set<TFeature>(TFeature? instance) where TFeature : default => ((IFeatureCollection)this)[typeof(TFeature)] = instance;

    IEnumerator<KeyValuePair<Type, object>> IEnumerable<KeyValuePair<Type, object>>.GetEnumerator()
    {
        List<KeyValuePair<Type, object>> features =
        [
            new(typeof(IConnectionIdFeature), this),
            new(typeof(IConnectionTransportFeature), this),
            new(typeof(IConnectionItemsFeature), this),
            new(typeof(IConnectionLifetimeFeature), this),
            new(typeof(IConnectionEndPointFeature), this),
            new(typeof(IConnectionSocketFeature), this),
            new(typeof(IDirectSocketFeature), this),
        ];
        lock (_gate)
        {
            if (_extraFeatures is not null)
            {
                features.RemoveAll(own => _extraFeatures.Exists(extra => extra.Key == own.Key));
                features.AddRange(_extraFeatures);
            }
        }

        return features.GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<KeyValuePair<Type, object>>)this).GetEnumerator();

    public void Detach()
    {
        lock (_gate)
        {
            if (_transport is not null)
            {
                throw new InvalidOperationException("The transport's pipes have started: the socket is theirs.");
            }

            _detached = true;
        }
    }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        if (IsDetached)
        {
            return;
        }

        // Ends every pending receive and send with an error; the loops and readers see the connection gone.
        SocketPipes.Shutdown(_socket);
        SocketPipes? pipes;
        lock (_gate)
        {
            pipes = _pipes;
        }

        pipes?.Stop();
        FireClosed();
    }

    public override async ValueTask DisposeAsync()
    {
        SocketPipes? pipes;
        lock (_gate)
        {
            pipes = _pipes;
        }

        if (pipes is not null)
        {
            // As Kestrel's transport: the application is done with both directions; the loops end and close the socket.
            await pipes.Input.CompleteAsync();
            await pipes.Output.CompleteAsync();
            await pipes.Completion;
        }

        if (!IsDetached)
        {
            SocketPipes.Shutdown(_socket);
        }

        // The token source is left undisposed (it has no timer): Kestrel may still read the token after this.
        FireClosed();
    }

    private bool IsDetached
    {
        get
        {
            lock (_gate)
            {
                return _detached;
            }
        }
    }

    private static bool IsOwnFeature(Type key) =>
        key == typeof(IConnectionIdFeature) || key == typeof(IConnectionTransportFeature) || key == typeof(IConnectionItemsFeature)
        || key == typeof(IConnectionLifetimeFeature) || key == typeof(IConnectionEndPointFeature) || key == typeof(IConnectionSocketFeature)
        || key == typeof(IDirectSocketFeature);

    // Created on first use: a WebSocket served below HTTP may never ask for it.
    private CancellationTokenSource ClosedSource()
    {
        lock (_gate)
        {
            if (_closed is null)
            {
                _closed = new CancellationTokenSource();
                if (_isClosed)
                {
                    _closed.Cancel();
                }
            }

            return _closed;
        }
    }

    private void FireClosed()
    {
        CancellationTokenSource? closed;
        lock (_gate)
        {
            if (_isClosed)
            {
                return;
            }

            _isClosed = true;
            closed = _closed;
        }

        // Outside the lock: the token's callbacks (Kestrel's, the application's) run here.
        try
        {
            closed?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed with the connection.
        }
    }
}
