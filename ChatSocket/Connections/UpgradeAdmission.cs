using ChatSocket.Identity;

namespace ChatSocket.Connections;

/// <summary>
/// The outcome of <see cref="ConnectionAcceptor.AdmitAsync"/>: a refusal to answer, or an admitted client whose slots
/// (the connection limit, the user's limit) are reserved until <see cref="ConnectionAcceptor.Release"/>. Holds only
/// what the connection needs after the upgrade, not the request.
/// </summary>
internal sealed class UpgradeAdmission
{
    private UpgradeAdmission(UpgradeRefusal? refusal, string key, UserIdentity? identity, string requestedUser, string room, string? remoteAddress)
    {
        Refusal = refusal;
        Key = key;
        Identity = identity;
        RequestedUser = requestedUser;
        Room = room;
        RemoteAddress = remoteAddress;
    }

    /// <summary>Why the upgrade is refused; null when it is admitted.</summary>
    public UpgradeRefusal? Refusal { get; }

    /// <summary>The client's Sec-WebSocket-Key.</summary>
    public string Key { get; }

    /// <summary>The token's identity; null when authentication is off.</summary>
    public UserIdentity? Identity { get; }

    /// <summary>The <c>user</c> query parameter ("" when absent).</summary>
    public string RequestedUser { get; }

    /// <summary>The <c>room</c> query parameter to join at once ("" when absent).</summary>
    public string Room { get; }

    public string? RemoteAddress { get; }

    public static UpgradeAdmission Refused(UpgradeRefusal refusal) => new(refusal, "", null, "", "", null);

    public static UpgradeAdmission Admitted(string key, UserIdentity? identity, UpgradeRequest request) =>
        new(null, key, identity, request.Query["user"].ToString(), request.Query["room"].ToString(), request.RemoteAddress);
}
