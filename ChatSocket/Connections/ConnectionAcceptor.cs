using ChatSocket.Chat;
using ChatSocket.Identity;
using ChatSocket.Protocol;
using ChatSocket.WebSockets;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ChatSocket.Connections;

/// <summary>
/// Serves <c>GET /ws</c>: checks the handshake, the Origin allow-list (403), the token when authentication is on
/// (401), the per-user limit (429) and the connection limit (503), upgrades through <see cref="IHttpUpgradeFeature"/>
/// and runs the <see cref="ChatConnection"/> on the upgraded stream.
/// </summary>
internal sealed class ConnectionAcceptor(
    ConnectionRegistry connections,
    UserConnectionCounts userConnections,
    TokenValidator tokens,
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

        var check = await tokens.CheckRequestAsync(context.Request, context.RequestAborted);
        if (check.Failure is not null)
        {
            var problem = AuthProblems.Unauthorized(context.Response, check);
            ConnectionLog.TokenRefused(logger, problem.StatusCode, check.ReasonCode!);
            metrics.UpgradeRejected("unauthorized");
            await problem.ExecuteAsync(context);
            return;
        }

        var identity = check.Identity;
        if (identity is not null && !userConnections.TryReserve(identity.Name))
        {
            ConnectionLog.UserConnectionLimitReached(logger, identity.Name, userConnections.Limit);
            metrics.UpgradeRejected("user_limit");
            await AuthProblems.TooManyConnections(userConnections.Limit).ExecuteAsync(context);
            return;
        }

        try
        {
            if (!connections.TryReserve())
            {
                ConnectionLog.ConnectionLimitReached(logger, connections.Limit);
                await RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, "connection limit reached", "limit");
                return;
            }

            try
            {
                await RunAsync(context, upgrade, key, identity);
            }
            finally
            {
                connections.Release();
            }
        }
        finally
        {
            if (identity is not null)
            {
                userConnections.Release(identity.Name);
            }
        }
    }

    private async Task RunAsync(HttpContext context, IHttpUpgradeFeature upgrade, string key, UserIdentity? identity)
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

        // With a token the name is the token's; user= is ignored.
        var requestedUser = identity is null ? context.Request.Query["user"].ToString() : "";
        var id = connections.NextId();
        var userValid = requestedUser.Length == 0 || ProtocolRules.IsValidUser(requestedUser, _options.MaxUserLength);
        var user = identity?.Name ?? (requestedUser.Length > 0 && userValid ? requestedUser : $"guest-{id}");
        var connection = new ChatConnection(id, user, identity, _options, metrics, logger);
        var remoteAddress = context.Connection.RemoteIpAddress?.ToString();
        using var scope = logger.BeginConnectionScope(id, user, remoteAddress);
        ConnectionLog.Opened(logger, id, user, remoteAddress);
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
