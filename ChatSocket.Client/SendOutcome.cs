namespace ChatSocket.Client;

/// <summary>How one try of a message ended: acked with <see cref="Id"/>, refused with <see cref="Code"/>, or
/// <see cref="Failure"/> (the client stopped, the room was left).</summary>
internal readonly record struct SendOutcome(string? Id, string? Code, string? Message, Exception? Failure)
{
    public static SendOutcome Acked(string id) => new(id, null, null, null);

    public static SendOutcome Refused(string code, string message) => new(null, code, message, null);

    public static SendOutcome Failed(Exception failure) => new(null, null, null, failure);
}
