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
/// Admits WebSocket clients and serves them: checks the handshake, the Origin allow-list (403), the token when
/// authentication is on (401), the per-user limit (429) and the connection limit (503), then runs the
/// <see cref="ChatConnection"/> on the upgraded stream. Kestrel's HTTP path (<c>GET /ws</c>, <see cref="AcceptAsync"/>)
/// and the upgrade below HTTP (<see cref="UpgradeBelowHttp"/>) share <see cref="AdmitAsync"/> and
/// <see cref="ServeAsync"/>, so both ask the same things in the same order.
/// </summary>
internal sealed class ConnectionAcceptor(
    ConnectionRegistry connections,
    UserConnectionCounts userConnections,
    TokenValidator tokens,
    ChatRequestHandler handler,
    ChatMetrics metrics,
    SendBacklog backlog,
    IHostApplicationLifetime lifetime,
    IOptions<ChatOptions> options,
    ILogger<ChatConnection> logger)
{
    private readonly ChatOptions _options = options.Value;

    /// <summary>Serves <c>GET /ws</c> through Kestrel's HTTP layer and <see cref="IHttpUpgradeFeature"/>.</summary>
    public async Task AcceptAsync(HttpContext context)
    {
        var admission = await AdmitAsync(UpgradeRequest.From(context), context.RequestAborted);
        if (admission.Refusal is { } refusal)
        {
            await refusal.WriteAsync(context);
            return;
        }

        try
        {
            // A WebSocket is long-lived and often quiet: Kestrel's minimum data rates must not apply. A client too
            // slow to read is handled by the send queue's own policy (1013), and no rate bookkeeping runs on each flush.
            if (context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } requestRate)
            {
                requestRate.MinDataRate = null;
            }

            if (context.Features.Get<IHttpMinResponseDataRateFeature>() is { } responseRate)
            {
                responseRate.MinDataRate = null;
            }

            context.Response.Headers[HeaderNames.Upgrade] = "websocket";
            context.Response.Headers[HeaderNames.SecWebSocketAccept] = WebSocketHandshake.ComputeAccept(admission.Key);
            var stream = await context.Features.GetRequiredFeature<IHttpUpgradeFeature>().UpgradeAsync();
            await ServeAsync(admission, stream, context.Abort, context.RequestAborted);
        }
        finally
        {
            Release(admission);
        }
    }

    /// <summary>
    /// The checks of an upgrade, in order: handshake (400, 426), origin (403), upgradable (400), stopping (503), token
    /// (401), the user's limit (429), the connection limit (503). A refusal is logged and counted here; an admitted
    /// client holds its slots until <see cref="Release"/>.
    /// </summary>
    public async Task<UpgradeAdmission> AdmitAsync(UpgradeRequest request, CancellationToken cancellationToken)
    {
        if (WebSocketHandshake.Validate(request.Method, request.Headers, out var key) is { } invalid)
        {
            return Refuse(invalid.Status, invalid.Reason, "handshake");
        }

        if (!IsOriginAllowed(request))
        {
            return Refuse(StatusCodes.Status403Forbidden, "origin not allowed", "origin");
        }

        if (!request.IsUpgradable)
        {
            return Refuse(StatusCodes.Status400BadRequest, "this request cannot be upgraded (HTTP/1.1 only)", "handshake");
        }

        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Between the shutdown signal and Kestrel closing its listeners, new clients are turned away.
            return Refuse(StatusCodes.Status503ServiceUnavailable, "shutting down", "stopping");
        }

        var check = await tokens.CheckRequestAsync(request.Headers, request.Query, cancellationToken);
        if (check.Failure is not null)
        {
            var status = check.Failure == TokenFailure.KeysUnavailable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status401Unauthorized;
            ConnectionLog.TokenRefused(logger, status, check.ReasonCode!);
            metrics.UpgradeRejected("unauthorized");
            return UpgradeAdmission.Refused(UpgradeRefusal.Unauthorized(check));
        }

        var identity = check.Identity;
        if (identity is not null && !userConnections.TryReserve(identity.Name))
        {
            ConnectionLog.UserConnectionLimitReached(logger, identity.Name, userConnections.Limit);
            metrics.UpgradeRejected("user_limit");
            return UpgradeAdmission.Refused(UpgradeRefusal.TooManyConnections(userConnections.Limit));
        }

        if (!connections.TryReserve())
        {
            if (identity is not null)
            {
                userConnections.Release(identity.Name);
            }

            ConnectionLog.ConnectionLimitReached(logger, connections.Limit);
            return Refuse(StatusCodes.Status503ServiceUnavailable, "connection limit reached", "limit");
        }

        return UpgradeAdmission.Admitted(key, identity, request);
    }

    /// <summary>Gives back the slots an admitted client reserved; called once, when its connection has ended.</summary>
    public void Release(UpgradeAdmission admission)
    {
        if (admission.Refusal is not null)
        {
            return;
        }

        connections.Release();
        if (admission.Identity is not null)
        {
            userConnections.Release(admission.Identity.Name);
        }
    }

    /// <summary>
    /// Runs an admitted client's <see cref="ChatConnection"/> on its upgraded <paramref name="stream"/> until it ends.
    /// <paramref name="abortTransport"/> drops the TCP connection; <paramref name="aborted"/> fires when it is gone.
    /// </summary>
    /// <remarks>
    /// Not an async method: the connection's run is the task returned, so that an idle connection keeps one method's
    /// state parked, not two (issue 11).
    /// </remarks>
    public Task ServeAsync(UpgradeAdmission admission, Stream stream, Action abortTransport, CancellationToken aborted)
    {
        var identity = admission.Identity;

        // With a token the name is the token's; user= is ignored.
        var requestedUser = identity is null ? admission.RequestedUser : "";
        var id = connections.NextId();
        var userValid = requestedUser.Length == 0 || ProtocolRules.IsValidUser(requestedUser, _options.MaxUserLength);
        var user = identity?.Name ?? (requestedUser.Length > 0 && userValid ? requestedUser : $"guest-{id}");
        var connection = new ChatConnection(id, user, identity, _options, metrics, backlog, logger);
        if (!userValid)
        {
            connection.Session.SendError(new ProtocolError(ErrorCodes.BadRequest, $"user must have 1 to {_options.MaxUserLength} characters and no control characters; you are {user}", "user"));
        }

        return connection.RunAsync(stream, admission, handler, connections, abortTransport, aborted);
    }

    private bool IsOriginAllowed(UpgradeRequest request)
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

    private UpgradeAdmission Refuse(int status, string reason, string metricReason)
    {
        ConnectionLog.UpgradeRefused(logger, status, reason);
        metrics.UpgradeRejected(metricReason);
        return UpgradeAdmission.Refused(UpgradeRefusal.Text(status, reason));
    }
}
