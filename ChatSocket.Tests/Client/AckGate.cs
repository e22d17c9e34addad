using System.Text;

namespace ChatSocket.Tests.Client;

/// <summary>Drops the server's <c>ack</c> frames while closed, as if each were lost with the connection; counts the
/// dropped ones (plug <see cref="Filter"/> into the client's DropIncomingFrame seam).</summary>
internal sealed class AckGate
{
    private static readonly byte[] AckType = Encoding.UTF8.GetBytes("\"type\":\"ack\"");
    private volatile bool _closed = true;
    private int _dropped;

    public int Dropped => Volatile.Read(ref _dropped);

    public void Open() => _closed = false;

    public bool Filter(ReadOnlyMemory<byte> frame)
    {
        if (!_closed || frame.Span.IndexOf(AckType) < 0)
        {
            return false;
        }

        Interlocked.Increment(ref _dropped);
        return true;
    }

    public Task WaitForDroppedAsync(int count) =>
        Support.Eventually.ReturnsAsync(() => Task.FromResult(Dropped), n => n >= count, $"{count} acks dropped");
}
