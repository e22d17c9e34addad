using ChatSocket.Messages;
using MongoDB.Bson;

namespace ChatSocket.Rooms;

/// <summary>One node without <c>Backplane:Redis</c>: rooms order their messages under their own lock, as always.</summary>
internal sealed class NoBackplane : IRoomBackplane
{
    public bool IsEnabled => false;

    public Task<ChatMessage> PublishAsync(string roomId, string sender, string content, string? clientMsgId, ObjectId floor, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("no backplane is configured");

    public Task<IDisposable> SubscribeAsync(string roomId, IBackplaneRoom room, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("no backplane is configured");
}
