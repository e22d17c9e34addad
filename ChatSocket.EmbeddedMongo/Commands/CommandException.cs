namespace ChatSocket.EmbeddedMongo.Commands;

/// <summary>A command failure that is answered as <c>{ok: 0, errmsg, code, codeName}</c>; the connection stays open.</summary>
internal sealed class CommandException : Exception
{
    public CommandException(int code, string message)
        : base(message)
    {
        Code = code;
    }

    public CommandException()
        : this(ErrorCodes.InternalError, "internal error")
    {
    }

    public CommandException(string message)
        : this(ErrorCodes.BadValue, message)
    {
    }

    public CommandException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = ErrorCodes.InternalError;
    }

    public int Code { get; }
}
