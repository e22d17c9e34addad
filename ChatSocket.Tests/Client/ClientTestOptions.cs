using ChatSocket.Client;

namespace ChatSocket.Tests.Client;

/// <summary>Client options for tests: reconnects within tens of milliseconds, and a server that does not rate-limit.</summary>
internal static class ClientTestOptions
{
    public static readonly IReadOnlyDictionary<string, string?> Unlimited = new Dictionary<string, string?>
    {
        ["Chat:MessagesPerSecond"] = "100000",
        ["Chat:MessageBurst"] = "100000",
    };

    public static readonly ChatReconnectPolicy FastReconnect = new()
    {
        InitialDelay = TimeSpan.FromMilliseconds(20),
        MaxDelay = TimeSpan.FromMilliseconds(300),
    };

    public static ChatClientOptions For(string user, AckGate? acks = null, int outgoingCapacity = 256, int roomBufferCapacity = 1024) => new()
    {
        User = user,
        Reconnect = FastReconnect,
        DropIncomingFrame = acks is null ? null : acks.Filter,
        OutgoingCapacity = outgoingCapacity,
        RoomBufferCapacity = roomBufferCapacity,
    };
}
