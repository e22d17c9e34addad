using System.Net;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Health;

[TestFixture]
public sealed class HealthEndpointsTests
{
    [TestCase("/health/live", TestName = "Liveness answers 200 Healthy")]
    [TestCase("/health/ready", TestName = "Readiness answers 200 Healthy")]
    public async Task Health_endpoints_report_healthy(string path)
    {
        await using var server = await ChatServer.StartAsync();
        using var http = server.CreateHttpClient();

        using var response = await http.GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("Healthy"));
    }
}
