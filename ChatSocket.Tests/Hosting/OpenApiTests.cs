using System.Text.Json;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Hosting;

/// <summary>The REST API's OpenAPI document, as tools read it.</summary>
[TestFixture]
public sealed class OpenApiTests
{
    [Test]
    public async Task The_document_describes_the_history_endpoint_its_parameters_schema_and_problems()
    {
        await using var server = await ChatServer.StartAsync();

        var document = await server.GetJsonAsync("/openapi/v1.json");
        var get = document.GetProperty("paths").GetProperty("/api/rooms/{room_id}/messages").GetProperty("get");
        var parameters = get.GetProperty("parameters").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("in").GetString());
        var responses = get.GetProperty("responses");
        var page = Resolve(document, responses.GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        var message = Resolve(document, page.GetProperty("properties").GetProperty("messages").GetProperty("items"));

        Assert.That(document.GetProperty("openapi").GetString(), Does.StartWith("3."));
        Assert.That(parameters, Is.EquivalentTo(new Dictionary<string, string?> { ["room_id"] = "path", ["before"] = "query", ["after"] = "query", ["limit"] = "query" }));
        Assert.That(page.GetProperty("properties").EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "room_id", "messages", "has_more" }));
        Assert.That(message.GetProperty("properties").EnumerateObject().Select(p => p.Name), Is.SupersetOf(new[] { "id", "room_id", "sender", "content", "timestamp", "client_msg_id" }));
        Assert.That(responses.GetProperty("400").GetProperty("content").EnumerateObject().Select(c => c.Name), Has.Member("application/problem+json"));
        Assert.That(responses.GetProperty("503").GetProperty("content").EnumerateObject().Select(c => c.Name), Has.Member("application/problem+json"));
        Assert.That(document.GetProperty("paths").TryGetProperty("/api/rooms", out _), Is.True);
    }

    // Follows a "$ref": "#/components/schemas/X".
    private static JsonElement Resolve(JsonElement document, JsonElement schema) =>
        schema.TryGetProperty("$ref", out var reference)
            ? document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1])
            : schema;
}
