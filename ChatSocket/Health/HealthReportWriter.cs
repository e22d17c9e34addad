using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatSocket.Health;

/// <summary>
/// Writes a health report as JSON — <c>{"status":"Unhealthy","checks":[{"name","status","description"}]}</c> — so
/// that a person or a probe sees why the server is not ready, not only that it is not.
/// </summary>
internal static class HealthReportWriter
{
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteStartArray("checks");
        foreach (var (name, entry) in report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("status", entry.Status.ToString());
            json.WriteString("description", entry.Description ?? (entry.Status == HealthStatus.Healthy ? "ok" : entry.Exception?.Message));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }
}
