using ChatSocket.Persistence;
using Microsoft.Extensions.Options;

namespace ChatSocket.History;

/// <summary>
/// The node-wide bound on the <c>client_msg_id</c>s the rings remember (<see cref="PersistenceOptions.RememberedClientMsgIds"/>
/// in all, <see cref="PersistenceOptions.RememberedClientMsgIdsPerSender"/> per sender and room). When the budget is
/// spent, further senders are not remembered (policy: their keys are asked of the database, as without memory);
/// a ring that is dropped gives its share back.
/// </summary>
internal sealed class ClientMsgIdMemory(IOptions<PersistenceOptions> options)
{
    private readonly long _total = options.Value.RememberedClientMsgIds;
    private long _used;

    /// <summary>Keys remembered per sender and room, at most.</summary>
    public int PerSender { get; } = options.Value.RememberedClientMsgIdsPerSender;

    /// <summary>Keys remembered now, across all rings.</summary>
    public long Used => Interlocked.Read(ref _used);

    /// <summary>Takes room for <paramref name="count"/> more keys; false (nothing taken) when that passes the total.</summary>
    public bool TryTake(int count)
    {
        if (Interlocked.Add(ref _used, count) <= _total)
        {
            return true;
        }

        Interlocked.Add(ref _used, -count);
        return false;
    }

    /// <summary>Gives back room taken before.</summary>
    public void Return(int count) => Interlocked.Add(ref _used, -count);
}
