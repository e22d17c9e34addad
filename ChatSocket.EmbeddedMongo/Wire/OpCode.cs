namespace ChatSocket.EmbeddedMongo.Wire;

/// <summary>Wire protocol opcodes the engine understands.</summary>
internal enum OpCode
{
    /// <summary>Legacy reply, only sent in answer to <see cref="Query"/>.</summary>
    Reply = 1,

    /// <summary>Legacy query; drivers still open connections with an isMaster on <c>admin.$cmd</c>.</summary>
    Query = 2004,

    /// <summary>Extensible message: every command since MongoDB 3.6.</summary>
    Msg = 2013,
}
