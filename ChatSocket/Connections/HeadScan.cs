namespace ChatSocket.Connections;

/// <summary>What <see cref="UpgradeHead.Scan"/> made of the bytes a connection has sent so far.</summary>
internal enum HeadScan
{
    /// <summary>Not a complete head yet, and still possibly a <c>GET /ws</c> request.</summary>
    NeedMore,

    /// <summary>A complete head of at most <see cref="UpgradeHead.MaxBytes"/> bytes that starts like <c>GET /ws</c>.</summary>
    Complete,

    /// <summary>Something else: Kestrel's HTTP layer serves it.</summary>
    NotOurs,
}
