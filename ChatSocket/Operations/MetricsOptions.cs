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
}
