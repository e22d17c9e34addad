using System.ComponentModel.DataAnnotations;

namespace ChatSocket.Operations;

/// <summary>The Prometheus scrape endpoint, section <c>Metrics</c>.</summary>
internal sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>The scrape path.</summary>
    public const string Path = "/metrics";

    /// <summary>Serve <c>GET /metrics</c>. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// An extra port that serves <c>/metrics</c> and nothing else; the public listeners then answer 404 there. Unset
    /// (the default): <c>/metrics</c> is served on the listeners of <c>Urls</c>.
    /// </summary>
    [Range(1, 65535)]
    public int? Port { get; set; }

    /// <summary>
    /// Also export the runtime's <c>System.Runtime</c> meter (<c>dotnet_*</c>: GC, thread pool, memory). Default false:
    /// listening to it cost a quarter more CPU per delivery on a fan-out-heavy node (measured: 1,000 members, 800k
    /// deliveries/s, 1.56-1.62 against 1.19-1.24 CPU-s per million deliveries), so it is for when it is needed.
    /// </summary>
    public bool Runtime { get; set; }
}
