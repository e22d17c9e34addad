using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace ChatSocket.LoadTest.Client;

/// <summary>
/// Reads a TCP socket with <c>recvmsg</c> and takes each read's arrival time from the kernel (<c>SO_TIMESTAMPNS</c>:
/// when the last segment of the read reached the socket), not from when the generator got round to reading it. On a
/// two-core machine the generator's own core is full against the fastest servers, and a frame can wait there for
/// milliseconds before it is read; with kernel times that wait no longer counts as the server's latency. Frames that
/// arrived before the read's last segment are given its time, so a latency is never understated. Linux only.
/// </summary>
internal static partial class KernelReceiveClock
{
    private const int SolSocket = 1;
    private const int SoTimestampNs = 35;
    private const int MsgDontWait = 0x40;
    private const int ControlBytes = 64;
    private const int ErrnoInterrupted = 4;
    private const int ErrnoWouldBlock = 11;
    private const int ErrnoConnectionReset = 104;

    private static long s_stamped;
    private static long s_unstamped;

    /// <summary>Reads that carried the kernel's time.</summary>
    public static long StampedReads => Interlocked.Read(ref s_stamped);

    /// <summary>
    /// Reads without it: data that arrived before the option was set, or just after, before the kernel's deferred
    /// switch for stamping took effect. They are timed on reading, which can only overstate a latency.
    /// </summary>
    public static long UnstampedReads => Interlocked.Read(ref s_unstamped);

    /// <summary>Asks the kernel to time every segment the socket receives from now on.</summary>
    public static void Enable(Socket socket) => socket.SetRawSocketOption(SolSocket, SoTimestampNs, BitConverter.GetBytes(1));

    /// <summary>
    /// Reads what is there without waiting. Returns the byte count (0: the peer closed), or -1 when nothing is there
    /// yet; <paramref name="receivedTicks"/> is the arrival time in <see cref="Stopwatch"/> ticks.
    /// </summary>
    /// <exception cref="SocketException">The connection failed.</exception>
    /// <exception cref="ObjectDisposedException">The socket was closed (by the connection's send side).</exception>
    public static unsafe int Receive(SafeSocketHandle socket, Span<byte> buffer, out long receivedTicks)
    {
        var control = stackalloc byte[ControlBytes];
        var referenced = false;
        fixed (byte* data = buffer)
        {
            var vector = new IoVector { Base = (nint)data, Length = (nuint)buffer.Length };
            var header = new MessageHeader { Vectors = (nint)(&vector), VectorCount = 1, Control = (nint)control, ControlLength = ControlBytes };
            nint read;
            try
            {
                // Held for the call: were the send side to close the socket meanwhile, a new socket could get its descriptor
                // number and this read would take that socket's bytes. A closed handle throws ObjectDisposedException here.
                socket.DangerousAddRef(ref referenced);
                read = recvmsg((int)socket.DangerousGetHandle(), &header, MsgDontWait);
            }
            finally
            {
                if (referenced)
                {
                    socket.DangerousRelease();
                }
            }

            if (read < 0)
            {
                receivedTicks = 0;
                return Marshal.GetLastPInvokeError() switch
                {
                    ErrnoWouldBlock or ErrnoInterrupted => -1,
                    ErrnoConnectionReset => throw new SocketException((int)SocketError.ConnectionReset),
                    _ => throw new SocketException((int)SocketError.SocketError),
                };
            }

            receivedTicks = ArrivalTicks(control, header.ControlLength);
            return (int)read;
        }
    }

    private static unsafe long ArrivalTicks(byte* control, nuint length)
    {
        // One control message is expected: cmsghdr (length, level, type; 16 bytes on LP64), then a timespec.
        if (length >= 32 && *(int*)(control + 8) == SolSocket && *(int*)(control + 12) == SoTimestampNs)
        {
            var seconds = *(long*)(control + 16);
            var nanoseconds = *(long*)(control + 24);
            // The stamp is wall-clock time; only its age is used, so the wall clock's offset cancels out.
            var nowNs = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
            var ageNs = Math.Max(0, nowNs - ((seconds * 1_000_000_000) + nanoseconds));
            Interlocked.Increment(ref s_stamped);
            return Stopwatch.GetTimestamp() - (long)(ageNs * (Stopwatch.Frequency / 1e9));
        }

        Interlocked.Increment(ref s_unstamped);
        return Stopwatch.GetTimestamp();
    }

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint recvmsg(int socket, MessageHeader* message, int flags);

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVector
    {
        public nint Base;
        public nuint Length;
    }

    // struct msghdr on LP64 Linux; sequential layout gives the same padding as C.
    [StructLayout(LayoutKind.Sequential)]
    private struct MessageHeader
    {
        public nint Name;
        public uint NameLength;
        public nint Vectors;
        public nuint VectorCount;
        public nint Control;
        public nuint ControlLength;
        public int Flags;
    }
}
