using System.Net;
using System.Text.Json;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Health;

[TestFixture]
public sealed class HealthEndpointsTests
{
    [Test]
    public async Task Liveness_answers_200_Healthy()
    {
        await using var server = await ChatServer.StartAsync();
        using var http = server.CreateHttpClient();

        using var response = await http.GetAsync("/health/live");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("Healthy"));
    }

    [Test]
    public async Task Readiness_answers_200_with_each_check_in_json()
    {
        await using var server = await ChatServer.StartAsync();
        using var http = server.CreateHttpClient();

        var ready = await Eventually.ReturnsAsync(() => http.GetAsync("/health/ready"), r => r.StatusCode == HttpStatusCode.OK, "readiness");
        var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;

        Assert.That(ready.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        Assert.That(body.GetProperty("status").GetString(), Is.EqualTo("Healthy"));
        Assert.That(body.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()), Is.SupersetOf(new[] { "not_stopping", "mongo" }));
        Assert.That(body.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("status").GetString()), Is.All.EqualTo("Healthy"));
    }

    [Test]
    public async Task While_inserts_fail_readiness_says_why_in_its_json()
    {
        var embedded = TestStore.Embedded ?? throw new InconclusiveException("fault injection needs the embedded engine (MONGODB_URI is set)");
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Persistence:RetryInitialDelay"] = "00:00:00.020",
            ["Persistence:RetryMaxDelay"] = "00:00:00.100",
        });
        await using var alice = await server.ConnectAndJoinAsync("alice", "why");
        using var http = server.CreateHttpClient();
        try
        {
            embedded.Faults.FailCommands(91, "insert");
            await alice.SendJsonAsync(new { type = "send", room_id = "why", content = "stuck" });
            var notReady = await Eventually.ReturnsAsync(() => http.GetAsync("/health/ready"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable, "readiness to drop");
            var body = JsonDocument.Parse(await notReady.Content.ReadAsStringAsync()).RootElement;
            var mongo = body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "mongo");

            Assert.That(body.GetProperty("status").GetString(), Is.EqualTo("Unhealthy"));
            Assert.That(mongo.GetProperty("description").GetString(), Does.Contain("inserts are failing").And.Contain("ShutdownInProgress"), "the cause is named");
        }
        finally
        {
            embedded.Faults.Reset();
        }
    }
}
