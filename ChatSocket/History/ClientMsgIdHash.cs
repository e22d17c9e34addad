namespace ChatSocket.History;

/// <summary>A stable 64-bit hash of a <c>client_msg_id</c> (FNV-1a over its UTF-16 code units): 8 bytes a key in
/// memory instead of the string. Collisions only cost a database look-up.</summary>
internal static class ClientMsgIdHash
{
    private const ulong Offset = 14695981039346656037;
    private const ulong Prime = 1099511628211;

    public static ulong Of(string clientMsgId)
    {
        var hash = Offset;
        foreach (var c in clientMsgId)
        {
            hash = (hash ^ c) * Prime;
        }

        return hash;
    }
}
