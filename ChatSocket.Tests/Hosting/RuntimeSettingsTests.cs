using System.Text.Json;

namespace ChatSocket.Tests.Hosting;

/// <summary>The runtime settings the server is built with, as the runtime reads them at start.</summary>
[TestFixture]
public sealed class RuntimeSettingsTests
{
    [Test]
    public void The_server_runs_without_dynamic_PGO()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "ChatSocket.runtimeconfig.json")));

        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.That(properties.TryGetProperty("System.Runtime.TieredPGO", out var pgo), Is.True, properties.ToString());
        Assert.That(pgo.GetBoolean(), Is.False);
    }
}
