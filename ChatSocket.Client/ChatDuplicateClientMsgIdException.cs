namespace ChatSocket.Client;

/// <summary>The server already holds this message's <c>client_msg_id</c> with other content: nothing was stored.</summary>
public sealed class ChatDuplicateClientMsgIdException(string message)
    : ChatServerException(ChatErrorCodes.DuplicateClientMsgId, message);
