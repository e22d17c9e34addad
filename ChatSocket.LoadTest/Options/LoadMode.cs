namespace ChatSocket.LoadTest.Options;

/// <summary>What the generator does once it is connected.</summary>
internal enum LoadMode
{
    /// <summary>Open-loop senders at a fixed aggregate rate: warm-up, measurement, drain.</summary>
    Run,

    /// <summary>Steps the rate up until p99 passes the limit or a message is lost; reports the last good step.</summary>
    MaxRate,

    /// <summary>Opens many connections, holds them idle and reports server memory per connection.</summary>
    Idle,

    /// <summary>Many clients join one room with history at the same moment.</summary>
    JoinStorm,
}
