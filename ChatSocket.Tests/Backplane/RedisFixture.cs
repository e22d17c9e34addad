namespace ChatSocket.Tests.Backplane;

/// <summary>A fixture with one real redis-server, empty, started once for its tests.</summary>
public abstract class RedisFixture
{
    private RedisProcess? _redis;

    internal RedisProcess Redis => _redis ?? throw new InvalidOperationException("Redis has not started");

    [OneTimeSetUp]
    public async Task StartRedisAsync() => _redis = await RedisProcess.StartAsync();

    [OneTimeTearDown]
    public async Task StopRedisAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
