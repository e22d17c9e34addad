using ChatSocket.Chat;
using ChatSocket.Protocol;
using ChatSocket.WebSockets;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ChatSocket.Connections;

/// <summary>
/// Serves <c>GET /ws</c>: checks the handshake, the Origin allow-list (403) and the connection limit (503), upgrades
/// through <see cref="IHttpUpgradeFeature"/> and runs the <see cref="ChatConnection"/> on the upgraded stream.
/// </summary>
internal sealed class ConnectionAcceptor(
    ConnectionRegistry connections,
    ChatRequestHandler handler,
    ChatMetrics metrics,
    IHostApplicationLifetime lifetime,
    IOptions<ChatOptions> options,
    ILogger<ChatConnection> logger)
{
    private readonly ChatOptions _options = options.Value;

    public async Task AcceptAsync(HttpContext context)
    {
        if (WebSocketHandshake.Validate(context.Request, out var key) is { } refusal)
        {
            await RefuseAsync(context, refusal.Status, refusal.Reason, "handshake");
            return;
        }

        if (!IsOriginAllowed(context.Request))
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, "origin not allowed", "origin");
            return;
        }

        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        if (upgrade is not { IsUpgradableRequest: true })
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "this request cannot be upgraded (HTTP/1.1 only)", "handshake");
            return;
        }

        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Between the shutdown signal and Kestrel closing its listeners, new clients are turned away.
            await RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, "shutting down", "stopping");
            return;
        }

        if (!connections.TryReserve())
        {
            ConnectionLog.ConnectionLimitReached(logger, connections.Limit);
            await RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, "connection limit reached", "limit");
            return;
        }

        try
        {
            await RunAsync(context, upgrade, key);
        }
        finally
        {
            connections.Release();
        }
    }

    private async Task RunAsync(HttpContext context, IHttpUpgradeFeature upgrade, string key)
    {
        // A WebSocket is long-lived and often quiet: Kestrel's minimum data rates must not apply. A client too slow
        // to read is handled by the send queue's own policy (1013), and no rate bookkeeping runs on each flush.
        if (context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } requestRate)
        {
            requestRate.MinDataRate = null;
        }

        if (context.Features.Get<IHttpMinResponseDataRateFeature>() is { } responseRate)
        {
            responseRate.MinDataRate = null;
        }

        context.Response.Headers[HeaderNames.Upgrade] = "websocket";
        context.Response.Headers[HeaderNames.SecWebSocketAccept] = WebSocketHandshake.ComputeAccept(key);
        var stream = await upgrade.UpgradeAsync();

        var requestedUser = context.Request.Query["user"].ToString();
        var id = connections.NextId();
        var userValid = requestedUser.Length == 0 || ProtocolRules.IsValidUser(requestedUser, _options.MaxUserLength);
        var user = requestedUser.Length > 0 && userValid ? requestedUser : $"guest-{id}";
        var connection = new ChatConnection(id, user, _options, metrics, logger);
        using var scope = logger.BeginConnectionScope(id, user);
        ConnectionLog.Opened(logger, id, user, context.Connection.RemoteIpAddress?.ToString());
        connections.Add(connection);
        try
        {
            if (!userValid)
            {
                connection.Session.SendError(new ProtocolError(ErrorCodes.BadRequest, $"user must have 1 to {_options.MaxUserLength} characters and no control characters; you are {user}", "user"));
            }

            if (context.Request.Query["room"].ToString() is { Length: > 0 } room)
            {
                await handler.JoinAsync(connection.Session, room, null, null, "join", context.RequestAborted);
            }

            await connection.RunAsync(stream, handler, context.Abort, lifetime.ApplicationStopping, context.RequestAborted);
        }
        finally
        {
            handler.Disconnect(connection.Session);
            connections.Remove(connection);
            ConnectionLog.Ended(logger, id);
        }
    }

    private bool IsOriginAllowed(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return true;
        }

        foreach (var allowed in _options.AllowedOrigins)
        {
            if (allowed == "*" || string.Equals(allowed.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        // The page this server serves itself connects from its own origin.
        return Uri.TryCreate(origin, UriKind.Absolute, out var uri) &&
            string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase) &&
            string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase);
    }

    private async Task RefuseAsync(HttpContext context, int status, string reason, string metricReason)
    {
        ConnectionLog.UpgradeRefused(logger, status, reason);
        metrics.UpgradeRejected(metricReason);
        context.Response.StatusCode = status;
        if (status == StatusCodes.Status426UpgradeRequired)
        {
            context.Response.Headers[HeaderNames.SecWebSocketVersion] = "13";
        }

        await context.Response.WriteAsync(reason, context.RequestAborted);
    }
}
