namespace ChatSocket.Tests.Support;

/// <summary>Polls a condition until it holds or a deadline passes (for state that settles asynchronously).</summary>
internal static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? ChatServer.Deadline);
        T last;
        while (true)
        {
            last = await probe();
            if (condition(last))
            {
                return last;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{what} did not happen in time; last seen: {last}");
            }

            await Task.Delay(50);
        }
    }
}
