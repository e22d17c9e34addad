namespace ChatSocket.History;

/// <summary>What <see cref="MessageRing.LookUpClientMsgId"/> found: the original when the ring holds it, the
/// watermark taken with the look-up, and what the ring's memory of the sender's keys says otherwise.</summary>
/// <param name="Found">The message with this key, when the ring still holds it.</param>
/// <param name="Watermark">The ring's state at the look-up.</param>
/// <param name="Knowledge">Whether the key is known to be new, when not found.</param>
/// <param name="Load">With <see cref="KeyKnowledge.LoadFirst"/>: the sender's keys to complete.</param>
internal readonly record struct ClientMsgIdLookup(
    Persistence.PendingMessage? Found,
    ClientMsgIdWatermark Watermark,
    KeyKnowledge Knowledge,
    SenderKeys? Load);
