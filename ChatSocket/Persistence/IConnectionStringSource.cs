namespace ChatSocket.Persistence;

/// <summary>Where <see cref="MongoConnection"/> gets its connection string from at start: the host decides (a
/// configured MongoDB, or an engine it starts itself); persistence only connects.</summary>
internal interface IConnectionStringSource
{
    /// <summary>The MongoDB connection string; called once, when the host starts.</summary>
    Task<string> GetConnectionStringAsync(CancellationToken cancellationToken);
}
