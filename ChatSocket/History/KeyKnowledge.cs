namespace ChatSocket.History;

/// <summary>What a ring's memory of a sender's <c>client_msg_id</c>s says of a key it does not hold.</summary>
internal enum KeyKnowledge
{
    /// <summary>It cannot say: the database is asked.</summary>
    Unknown,

    /// <summary>The sender never used the key in this room: nothing needs asking.</summary>
    New,

    /// <summary>The sender's keys are not loaded yet, and this caller is to load them
    /// (<see cref="MessageRing.CompleteKeyLoad"/>) and look again.</summary>
    LoadFirst,
}
