using System.Buffers;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace ChatSocket.Connections;

/// <summary>
/// A gather send made now or not at all: one <c>sendmsg</c> with <c>MSG_DONTWAIT</c> on the socket's descriptor,
/// from the thread that has the frames. Below ~1,000 frames a second per connection nearly every delivery is one frame
/// to a socket with room, and the framework's asynchronous send (an operation object, its buffer list, a pin per
/// buffer, the async methods around it) cost about as much CPU as the kernel's own work outside the send (issue 11).
/// What the kernel does not take here is left to the asynchronous send, which waits for the socket. Linux only.
/// </summary>
internal static unsafe partial class ImmediateSend
{
    /// <summary>Frames per immediate send, at most; a larger batch takes the asynchronous path.</summary>
    public const int MaxSegments = 64;

    private const int MsgDontWait = 0x40;
    private const int MsgNoSignal = 0x4000;
    private const int ErrnoInterrupted = 4;
    private const int ErrnoWouldBlock = 11;

    /// <summary>Whether this platform has it: Linux (the message header below is Linux's), with a C library that
    /// the runtime finds under the name <c>libc</c> (<see cref="Probe"/>).</summary>
    public static bool IsSupported { get; } = OperatingSystem.IsLinux() && Probe();

    /// <summary>
    /// Sends what the socket's buffer takes of <paramref name="frames"/> (at most <see cref="MaxSegments"/>), without
    /// waiting: the bytes sent, 0 when the buffer is full. A socket error or a closed socket is an
    /// <see cref="IOException"/>, as the asynchronous path reports them.
    /// </summary>
    public static long Send(SafeSocketHandle socket, IReadOnlyList<ReadOnlyMemory<byte>> frames)
    {
        var count = frames.Count;
        var added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            var descriptor = (int)socket.DangerousGetHandle();
            if (count == 1)
            {
                fixed (byte* bytes = frames[0].Span)
                {
                    var vector = new IoVector { Base = (nint)bytes, Length = (nuint)frames[0].Length };
                    return SendVectors(descriptor, &vector, 1);
                }
            }

            var pins = ArrayPool<MemoryHandle>.Shared.Rent(count);
            try
            {
                var vectors = stackalloc IoVector[count];
                for (var i = 0; i < count; i++)
                {
                    pins[i] = frames[i].Pin();
                    vectors[i] = new IoVector { Base = (nint)pins[i].Pointer, Length = (nuint)frames[i].Length };
                }

                return SendVectors(descriptor, vectors, count);
            }
            finally
            {
                for (var i = 0; i < count; i++)
                {
                    pins[i].Dispose();
                }

                ArrayPool<MemoryHandle>.Shared.Return(pins, clearArray: true);
            }
        }
        catch (ObjectDisposedException ex)
        {
            throw new IOException("the connection's socket is closed", ex);
        }
        finally
        {
            if (added)
            {
                socket.DangerousRelease();
            }
        }
    }

    // One call on no descriptor, which the kernel refuses (EBADF): a runtime that cannot resolve the import (a C
    // library under another name, a native build that does not map "libc") leaves every send to the asynchronous
    // path instead of failing each connection's first send.
    private static bool Probe()
    {
        try
        {
            var header = default(MessageHeader);
            return sendmsg(-1, &header, MsgDontWait | MsgNoSignal) == -1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    private static long SendVectors(int descriptor, IoVector* vectors, int count)
    {
        var header = new MessageHeader { Vectors = (nint)vectors, VectorCount = (nuint)count };
        while (true)
        {
            var sent = sendmsg(descriptor, &header, MsgDontWait | MsgNoSignal);
            if (sent >= 0)
            {
                return sent;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == ErrnoWouldBlock)
            {
                return 0;
            }

            if (errno != ErrnoInterrupted)
            {
                throw new IOException($"the connection's socket failed: {Marshal.GetPInvokeErrorMessage(errno)}");
            }
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint sendmsg(int socket, MessageHeader* message, int flags);

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVector
    {
        public nint Base;
        public nuint Length;
    }

    // struct msghdr on Linux; sequential layout gives the same padding as C.
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
