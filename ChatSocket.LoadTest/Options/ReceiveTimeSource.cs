namespace ChatSocket.LoadTest.Options;

/// <summary>Where a received frame's arrival time comes from.</summary>
internal enum ReceiveTimeSource
{
    /// <summary>The generator's clock when it reads the frame: includes any wait in the generator's own queue.</summary>
    User,

    /// <summary>The kernel's stamp of when the frame reached the socket (Linux, SO_TIMESTAMPNS): the server's latency
    /// without the generator's read queue, for machines where the generator's core is the bottleneck.</summary>
    Kernel,
}
