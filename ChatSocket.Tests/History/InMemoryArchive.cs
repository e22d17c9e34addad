using ChatSocket.Messages;
using ChatSocket.Persistence;
using MongoDB.Bson;

namespace ChatSocket.Tests.History;

/// <summary>
/// An archive in a list, with the same answers as <c>MessageStore</c> (pages oldest first, <c>HasMore</c> from one
/// extra message). <see cref="DuringRead"/> runs while a read is in flight, before it answers, to stage races.
/// </summary>
internal sealed class InMemoryArchive : IMessageArchive
{
    private readonly List<ChatMessage> _stored = [];

    /// <summary>Runs once per read, after the read started and before its answer is taken.</summary>
    public Action? DuringRead { get; set; }

    /// <summary>Reads so far.</summary>
    public int Reads { get; private set; }

    public bool IsDurable => true;

    public void Store(ChatMessage message)
    {
        _stored.Add(message);
        _stored.Sort((a, b) => a.Id.CompareTo(b.Id));
    }

    public Task<HistoryPage> GetBeforeAsync(string roomId, ObjectId? before, int limit, CancellationToken cancellationToken)
    {
        Started();
        var older = _stored.Where(m => m.RoomId == roomId && (before is null || m.Id < before.Value)).ToList();
        var skip = Math.Max(0, older.Count - limit);
        return Task.FromResult(new HistoryPage(older[skip..], skip > 0));
    }

    public Task<HistoryPage> GetAfterAsync(string roomId, ObjectId after, ObjectId? before, int limit, CancellationToken cancellationToken)
    {
        Started();
        var newer = _stored.Where(m => m.RoomId == roomId && m.Id > after && (before is null || m.Id < before.Value)).ToList();
        return Task.FromResult(new HistoryPage(newer.Take(limit).ToList(), newer.Count > limit));
    }

    public Task<ChatMessage?> FindByClientMsgIdAsync(string roomId, string sender, string clientMsgId, CancellationToken cancellationToken) =>
        Task.FromResult(_stored.FirstOrDefault(m => m.RoomId == roomId && m.Sender == sender && m.ClientMsgId == clientMsgId));

    public Task<IReadOnlyList<string>?> ListClientMsgIdsAsync(string roomId, string sender, int max, CancellationToken cancellationToken)
    {
        var keys = _stored.Where(m => m.RoomId == roomId && m.Sender == sender && m.ClientMsgId is not null).Select(m => m.ClientMsgId!).ToList();
        return Task.FromResult<IReadOnlyList<string>?>(keys.Count > max ? null : keys);
    }

    private void Started()
    {
        Reads++;
        var during = DuringRead;
        DuringRead = null;
        during?.Invoke();
    }
}
