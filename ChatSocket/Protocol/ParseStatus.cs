namespace ChatSocket.Protocol;

/// <summary>How <see cref="ClientRequestParser"/> read a text frame.</summary>
internal enum ParseStatus
{
    /// <summary>Not a JSON object: text typed by a person, sent to the current room.</summary>
    PlainText,

    /// <summary>A well-typed request.</summary>
    Request,

    /// <summary>A JSON object that is not a valid request; answer with the error.</summary>
    Invalid,
}
