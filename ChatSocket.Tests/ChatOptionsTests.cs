using ChatSocket.Tests.Support;
using Microsoft.Extensions.Options;

namespace ChatSocket.Tests;

[TestFixture]
public sealed class ChatOptionsTests
{
    [TestCase("Chat:SendQueueCapacity", "0", TestName = "A zero send queue capacity stops the server from starting")]
    [TestCase("Chat:IdleTimeout", "00:00:01", TestName = "An idle timeout shorter than the ping interval stops the server from starting")]
    [TestCase("Chat:MaxMessageBytes", "100", TestName = "A message size limit below 1 KiB stops the server from starting")]
    [TestCase("Chat:PresenceBatchMaxEvents", "1", TestName = "A presence batch of fewer than two events stops the server from starting")]
    [TestCase("Chat:PresenceBatchWindow", "00:01:00", TestName = "A presence batch window over 10 s stops the server from starting")]
    [TestCase("Chat:PresenceDeliveriesPerSecond", "-1", TestName = "A negative presence budget stops the server from starting")]
    public void Invalid_options_are_refused_at_start(string key, string value) =>
        Assert.ThatAsync(
            async () => await ChatServer.StartAsync(new Dictionary<string, string?> { [key] = value }),
            Throws.InstanceOf<OptionsValidationException>());

    [Test]
    public async Task The_defaults_are_those_documented()
    {
        await using var server = await ChatServer.StartAsync();
        var options = server.GetRequiredService<IOptions<ChatOptions>>().Value;

        Assert.That(options.MaxMessageBytes, Is.EqualTo(16 * 1024));
        Assert.That(options.MaxContentLength, Is.EqualTo(4000));
        Assert.That(options.MaxRoomsPerConnection, Is.EqualTo(50));
        Assert.That(options.MaxConnections, Is.EqualTo(100_000));
        Assert.That(options.SendQueueCapacity, Is.EqualTo(1024));
        Assert.That(options.MessagesPerSecond, Is.EqualTo(20));
        Assert.That(options.MessageBurst, Is.EqualTo(40));
        Assert.That(options.PresenceBatchWindow, Is.EqualTo(TimeSpan.FromMilliseconds(50)));
        Assert.That(options.PresenceBatchMaxEvents, Is.EqualTo(100));
        Assert.That(options.PresenceDeliveriesPerSecond, Is.EqualTo(10_000));
    }
}
