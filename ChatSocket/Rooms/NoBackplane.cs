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

    public void MembersChanged(string roomId, string user, bool joined, int localCount)
    {
        // One node: its own counts are the whole room.
    }

    public Task<IReadOnlyDictionary<string, int>> OtherNodesRoomsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, int>>(new Dictionary<string, int>());
}
