using System.ComponentModel.DataAnnotations;

namespace ChatSocket.Hosting;

/// <summary>
/// The embedded development store, started in-process when no MongoDB connection string is configured.
/// </summary>
internal sealed class EmbeddedStoreOptions
{
    public const string Section = "Embedded";

    /// <summary>TCP port of the embedded engine on 127.0.0.1; 0 (default) takes a free one.</summary>
    [Range(0, 65535)]
    public int Port { get; set; }

    /// <summary>Where the embedded engine keeps its journal. Default <c>./data</c>; empty keeps it in memory.</summary>
    public string? DataDirectory { get; set; } = "./data";
}
