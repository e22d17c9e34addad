using System.Net;
using System.Text.Json;

namespace ChatSocket.Tests.Support;

/// <summary>GET requests whose status matters as much as their JSON body (problem responses included).</summary>
internal static class HttpAnswer
{
    public static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(ChatServer server, string path)
    {
        using var http = server.CreateHttpClient();
        using var response = await http.GetAsync(path).WaitAsync(ChatServer.Deadline);
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(body).RootElement.Clone());
    }
}
