using System.ComponentModel.DataAnnotations;

namespace ChatSocket.Hosting;

/// <summary>
/// The embedded development store, started in-process when no MongoDB connection string is configured.
/// </summary>
internal sealed class EmbeddedStoreOptions
{
    public const string Section = "Embedded";

    /// <summary>The default port: stable across restarts so that a mongosh session or Compass keeps working, and
    /// away from MongoDB's own 27017-27019 so that it does not collide with a local mongod.</summary>
    public const int DefaultPort = 27217;

    /// <summary>TCP port of the embedded engine on 127.0.0.1. Default <see cref="DefaultPort"/>; when that port is
    /// taken a free one is used (with a warning); 0 always takes a free one.</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = DefaultPort;

    /// <summary>Where the embedded engine keeps its journal, relative to the content root (the project directory
    /// under <c>dotnet run</c>). Default <c>./data</c>; empty keeps it in memory.</summary>
    public string? DataDirectory { get; set; } = "./data";
}
