namespace ChatSocket.LoadTest.Protocol;

/// <summary>What a received text frame is, as far as the generator cares.</summary>
internal enum ServerFrameKind
{
    /// <summary>Anything the generator does not count (presence, presence_batch, pong, left, frames without a marker in raw mode).</summary>
    Other,

    /// <summary>A broadcast message carrying a generator marker.</summary>
    Delivery,

    /// <summary>ChatSocket: a durable ack (<c>{"type":"ack",...,"client_msg_id"}</c>).</summary>
    Ack,

    /// <summary>ChatSocket: the answer to a join.</summary>
    Joined,

    /// <summary>ChatSocket: a history page.</summary>
    History,

    /// <summary>ChatSocket: an error frame.</summary>
    Error,
}
