namespace ChatSocket.Protocol;

/// <summary>What an <c>error</c> frame says: a code from <see cref="ErrorCodes"/>, a human message and the reference.</summary>
internal sealed record ProtocolError(string Code, string Message, string? Ref);
