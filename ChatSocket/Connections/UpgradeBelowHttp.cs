using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using ChatSocket.Transport;
using ChatSocket.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace ChatSocket.Connections;

/// <summary>
/// A Kestrel connection middleware (<c>Chat:UpgradeBelowHttp</c>) that serves WebSocket upgrades below Kestrel's
/// HTTP layer. Under an upgrade served by that layer, its per-request state (the HTTP/1.1 connection, header
/// collections, body pipes, the output producer, a block kept from the head's reads) stays alive for as long as the
/// socket is open: about half of what an idle client costs (issue 11, docs/BENCHMARKS.md). Here the first request's
/// head is peeked at without being consumed; a plain <c>GET /ws</c> HTTP/1.1 upgrade is admitted by the same
/// <see cref="ConnectionAcceptor.AdmitAsync"/> as the HTTP path and served on the transport itself. Everything else
/// goes to Kestrel with its bytes untouched.
/// </summary>
internal sealed class UpgradeBelowHttp(ConnectionAcceptor acceptor, DetachedConnections detached, IServiceProvider services, IOptions<KestrelServerOptions> kestrel, IOptions<ChatOptions> options, ILogger<UpgradeBelowHttp> logger)
{
    private readonly bool _directWrites = options.Value.DirectSocketWrites;
    private readonly bool _serverHeader = kestrel.Value.AddServerHeader;
    private readonly TimeSpan _headTimeout = kestrel.Value.Limits.RequestHeadersTimeout;

    public async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        // Admission runs in its own method so that nothing of the request (its headers, query) is kept by this
        // method's state for the life of the connection.
        UpgradeAdmission? admission;
        byte[]? early = null;
        // On the lean transport, with direct writes, the WebSocket reads and writes its socket itself: no pipes at all.
        var direct = _directWrites && connection.Features.Get<IDirectSocketFeature>() is { CanReadDirectly: true } feature ? feature : null;
        try
        {
            if (connection.Features.Get<ITlsConnectionFeature>() is not null)
            {
                // Behind a TLS middleware the scheme is https, which the origin check must see: the HTTP layer knows it.
                admission = null;
            }
            else if (direct is not null)
            {
                (admission, early) = await AdmitDirectAsync(connection, direct);
            }
            else
            {
                admission = await AdmitAsync(connection);
            }
        }
        catch (OperationCanceledException) when (connection.ConnectionClosed.IsCancellationRequested)
        {
            // The client left while its token was being checked (an authority's keys being fetched): no one to answer.
            return;
        }

        if (admission is null)
        {
            await next(connection);
            return;
        }

        try
        {
            if (admission.Refusal is { } refusal)
            {
                await RefuseAsync(connection, refusal);
                return;
            }

            var switching = RawHttpResponse.SwitchingProtocols(WebSocketHandshake.ComputeAccept(admission.Key), _serverHeader);
            var socketWriter = _directWrites && connection.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket ? new SocketFrameWriter(socket) : null;
            if (socketWriter is null)
            {
                await connection.Transport.Output.WriteAsync(switching, connection.ConnectionClosed);
            }
            else
            {
                // The 101 goes the frames' way too: nothing left in Kestrel's pipe can come after a frame.
                await socketWriter.WriteAsync(switching, connection.ConnectionClosed);
            }

            if (direct is not null && socketWriter is not null)
            {
                // The socket is the WebSocket's alone: Kestrel forgets the connection when this returns, and the
                // WebSocket runs on without Kestrel's per-connection state (DetachedConnections).
                direct.Detach();
                // ServeDetachedAsync never faults and reports its end to `detached` itself.
                detached.Run(static state => _ = state.Self.ServeDetachedAsync(state.Admission, state.Socket, state.Writer, state.Early), (Self: this, Admission: admission, Socket: direct.Socket, Writer: socketWriter, Early: early));
                admission = null;
                return;
            }

            await using var stream = new TransportStream(connection.Transport, socketWriter);
            await acceptor.ServeAsync(admission, stream, connection.Abort, connection.ConnectionClosed);
        }
        catch (OperationCanceledException) when (connection.ConnectionClosed.IsCancellationRequested)
        {
            // The client left during the answer or the first join. The HTTP path counts an aborted request as no
            // error either; escaping here, it would be logged as a failed connection.
        }
        finally
        {
            if (admission is not null)
            {
                acceptor.Release(admission);
            }
        }
    }

    // A detached WebSocket: served on its socket until it ends, then the socket is shut down and closed (Kestrel no
    // longer does it). Aborting it is closing the socket, which ends its pending reads and sends.
    private async Task ServeDetachedAsync(UpgradeAdmission admission, Socket socket, SocketFrameWriter writer, byte[]? early)
    {
        Exception? failure = null;
        try
        {
            await using var stream = new SocketStream(socket, writer, early);
            await acceptor.ServeAsync(admission, stream, () => SocketPipes.Shutdown(socket), CancellationToken.None);
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        finally
        {
            acceptor.Release(admission);
            SocketPipes.Shutdown(socket);
            detached.Ended(failure);
        }
    }

    // Null when the connection is not a WebSocket upgrade this can serve: its bytes are then all still unconsumed and,
    // unless the head timed out, unexamined, so that Kestrel's first read returns them at once (after a timeout it
    // returns them with the next bytes, or Kestrel's own timeouts end the connection).
    private async Task<UpgradeAdmission?> AdmitAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
        timeout.CancelAfter(_headTimeout);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // No complete head in Kestrel's own header time (or the connection is gone): Kestrel applies its
                // limits to what has come and to what still comes.
                ConnectionLog.HandedToHttp(logger, "no complete head in time");
                return null;
            }
            catch (Exception ex) when (ex is ConnectionResetException or IOException)
            {
                // The client reset the connection: Kestrel's HTTP layer meets the same error on its read and ends the
                // connection its usual way.
                ConnectionLog.HandedToHttp(logger, ex.Message);
                return null;
            }

            var buffer = result.Buffer;
            var scan = UpgradeHead.Scan(buffer, out var headLength);
            if (scan == HeadScan.NeedMore && !result.IsCompleted && !result.IsCanceled)
            {
                // Nothing consumed; all examined, so that the next read waits for more bytes.
                input.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }

            var request = scan == HeadScan.Complete ? Parse(buffer.Slice(0, headLength), connection) : null;
            if (request is null)
            {
                // Examined moves back to the start: the read that just completed stays completed, so Kestrel's first
                // read returns these bytes without waiting for more.
                input.AdvanceTo(buffer.Start, buffer.Start);
                return null;
            }

            input.AdvanceTo(buffer.GetPosition(headLength));
            return await acceptor.AdmitAsync(request, connection.ConnectionClosed);
        }
    }

    // The same as AdmitAsync, reading the socket itself (the lean transport): the head is read into a buffer, at most
    // UpgradeHead.MaxBytes, behind a zero-byte receive so that a client slow to send it holds none. Anything that is
    // not ours is given back to the connection (IDirectSocketFeature.Unread), so Kestrel's first read returns it.
    // Bytes the client sent right behind its head come back as the early bytes of the WebSocket's stream.
    private async Task<(UpgradeAdmission? Admission, byte[]? Early)> AdmitDirectAsync(ConnectionContext connection, IDirectSocketFeature direct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(UpgradeHead.MaxBytes);
        var length = 0;
        try
        {
            using var timeout = new CancellationTokenSource(_headTimeout);
            while (true)
            {
                int received;
                try
                {
                    if (length == 0)
                    {
                        await direct.Socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, timeout.Token);
                    }

                    received = await direct.Socket.ReceiveAsync(buffer.AsMemory(length, UpgradeHead.MaxBytes - length), SocketFlags.None, timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    ConnectionLog.HandedToHttp(logger, "no complete head in time");
                    direct.Unread(buffer.AsSpan(0, length));
                    return (null, null);
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    // The client reset the connection, or it was aborted (the server stopping): Kestrel's HTTP layer
                    // meets the same on its read and ends the connection its usual way.
                    ConnectionLog.HandedToHttp(logger, ex.Message);
                    direct.Unread(buffer.AsSpan(0, length));
                    return (null, null);
                }

                length += received;
                var scan = UpgradeHead.Scan(new ReadOnlySequence<byte>(buffer, 0, length), out var headLength);
                if (scan == HeadScan.NeedMore && received > 0 && length < UpgradeHead.MaxBytes)
                {
                    continue;
                }

                var request = scan == HeadScan.Complete ? Parse(new ReadOnlySequence<byte>(buffer, 0, headLength), connection) : null;
                if (request is null)
                {
                    direct.Unread(buffer.AsSpan(0, length));
                    return (null, null);
                }

                var early = length > headLength ? buffer.AsSpan(headLength, length - headLength).ToArray() : null;
                return (await acceptor.AdmitAsync(request, connection.ConnectionClosed), early);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static UpgradeRequest? Parse(ReadOnlySequence<byte> head, ConnectionContext connection)
    {
        var remoteAddress = (connection.RemoteEndPoint as System.Net.IPEndPoint)?.Address.ToString();
        if (head.IsSingleSegment)
        {
            return UpgradeHead.TryParse(head.FirstSpan, remoteAddress);
        }

        var copy = ArrayPool<byte>.Shared.Rent((int)head.Length);
        try
        {
            head.CopyTo(copy);
            return UpgradeHead.TryParse(copy.AsSpan(0, (int)head.Length), remoteAddress);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    // The refusal is rendered by the same code as on the HTTP path, into a detached response, then sent as bytes;
    // the connection ends after it.
    private async Task RefuseAsync(ConnectionContext connection, UpgradeRefusal refusal)
    {
        using var body = new MemoryStream();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = body;
        await refusal.WriteAsync(context);
        await context.Response.CompleteAsync();
        var response = RawHttpResponse.Refusal(context.Response, body.GetBuffer().AsSpan(0, (int)body.Length), _serverHeader);
        await connection.Transport.Output.WriteAsync(response, connection.ConnectionClosed);
    }
}
