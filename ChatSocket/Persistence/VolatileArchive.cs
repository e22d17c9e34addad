using ChatSocket.Messages;
using MongoDB.Bson;

namespace ChatSocket.Persistence;

/// <summary>The archive when persistence is off (<c>Persistence:Enabled=false</c>): nothing is stored.</summary>
internal sealed class VolatileArchive : IMessageArchive
{
    public bool IsDurable => false;

    public Task<HistoryPage> GetBeforeAsync(string roomId, ObjectId? before, int limit, CancellationToken cancellationToken) =>
        Task.FromResult(HistoryPage.Empty);

    public Task<HistoryPage> GetAfterAsync(string roomId, ObjectId after, ObjectId? before, int limit, CancellationToken cancellationToken) =>
        Task.FromResult(HistoryPage.Empty);

    public Task<ChatMessage?> FindByClientMsgIdAsync(string roomId, string sender, string clientMsgId, CancellationToken cancellationToken) =>
        Task.FromResult<ChatMessage?>(null);

    public Task<IReadOnlyList<string>?> ListClientMsgIdsAsync(string roomId, string sender, int max, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>?>([]);
}
