namespace ChatSocket.LoadTest.Client;

/// <summary>Per-connection limits of <see cref="WsConnection"/>.</summary>
/// <param name="MaxPendingSendBytes">Bound on bytes queued for sending; text frames past it are dropped and counted.</param>
/// <param name="ReceiveBufferBytes">Initial receive buffer (it grows for larger frames).</param>
/// <param name="MaxFrameBytes">Largest server message accepted.</param>
/// <param name="ZeroByteReads">Wait for data with a zero-byte read and hold no buffer while idle.</param>
/// <param name="KernelReceiveTimes">Time each read by the kernel's arrival stamp (<see cref="KernelReceiveClock"/>).</param>
internal sealed record ConnectionSettings(int MaxPendingSendBytes, int ReceiveBufferBytes, int MaxFrameBytes, bool ZeroByteReads, bool KernelReceiveTimes = false);
