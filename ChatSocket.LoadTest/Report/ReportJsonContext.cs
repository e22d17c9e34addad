using System.Text.Json.Serialization;

namespace ChatSocket.LoadTest.Report;

/// <summary>Source-generated JSON for the report (indented, nulls left out).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LoadReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
