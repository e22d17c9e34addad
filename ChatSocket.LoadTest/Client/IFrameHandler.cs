namespace ChatSocket.LoadTest.Client;

/// <summary>Receives the complete text messages of one connection, on its receive loop (never concurrently).</summary>
internal interface IFrameHandler
{
    /// <summary>A complete text message; <paramref name="receivedTicks"/> is the Stopwatch time its bytes were read.</summary>
    void OnText(ReadOnlySpan<byte> payload, long receivedTicks);
}
