using System.Text.Json.Serialization;

namespace ChatSocket.LoadTest.Report;

/// <summary>Where the generator ran.</summary>
internal sealed record EnvironmentEcho
{
    /// <summary>Cores the generator may use (its affinity mask, e.g. 1 under taskset -c 1).</summary>
    [JsonPropertyName("generator_cores")]
    public int GeneratorCores { get; init; } = System.Environment.ProcessorCount;

    /// <summary>The .NET runtime.</summary>
    [JsonPropertyName("runtime")]
    public string Runtime { get; init; } = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;

    /// <summary>The server's process id, when given.</summary>
    [JsonPropertyName("server_pid")]
    public int? ServerPid { get; init; }

    /// <summary>The machine's logical cores.</summary>
    [JsonPropertyName("machine_cores")]
    public int MachineCores { get; init; }

    /// <summary>The machine's memory, GiB.</summary>
    [JsonPropertyName("machine_memory_gib")]
    public double MachineMemoryGib { get; init; }
}
