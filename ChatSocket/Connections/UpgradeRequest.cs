using Microsoft.AspNetCore.Http.Features;

namespace ChatSocket.Connections;

/// <summary>
/// What admission reads of a WebSocket upgrade request, whichever layer parsed it: Kestrel's HTTP/1.1 code
/// (<see cref="From(HttpContext)"/>) or <see cref="UpgradeBelowHttp"/> on the raw transport. Short-lived: nothing of
/// it is kept once the connection is admitted, so its headers do not stay in memory under an idle socket.
/// </summary>
internal sealed class UpgradeRequest(string method, IHeaderDictionary headers, IQueryCollection query, HostString host, string scheme, bool isUpgradable, string? remoteAddress)
{
    public string Method => method;

    public IHeaderDictionary Headers => headers;

    public IQueryCollection Query => query;

    /// <summary>The Host header as <see cref="HttpRequest.Host"/> reads it.</summary>
    public HostString Host => host;

    public string Scheme => scheme;

    /// <summary>Whether the server can switch this request's connection to another protocol (HTTP/1.1).</summary>
    public bool IsUpgradable => isUpgradable;

    public string? RemoteAddress => remoteAddress;

    /// <summary>The request as Kestrel's HTTP layer parsed it.</summary>
    public static UpgradeRequest From(HttpContext context) => new(
        context.Request.Method,
        context.Request.Headers,
        context.Request.Query,
        context.Request.Host,
        context.Request.Scheme,
        context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true },
        context.Connection.RemoteIpAddress?.ToString());
}
