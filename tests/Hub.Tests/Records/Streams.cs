using System.Threading.Channels;
using Grpc.Core;

namespace Hub.Tests.Records;

/// <summary>Reads a server stream in the background so that a test can wait for what it received, in order.</summary>
public sealed class Received<T> : IAsyncDisposable
{
    private readonly Channel<T> _items = Channel.CreateUnbounded<T>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;

    public Received(AsyncServerStreamingCall<T> call)
    {
        Call = call;
        _reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var item in call.ResponseStream.ReadAllAsync(_stop.Token))
                {
                    await _items.Writer.WriteAsync(item);
                }
                _items.Writer.TryComplete();
            }
#pragma warning disable CA1031 // Whatever ends the stream is handed to the test that waits on it.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                // A call disposed while reading may also end with the client's own exception.
                _items.Writer.TryComplete(ex);
            }
        });
    }

    public AsyncServerStreamingCall<T> Call { get; }

    /// <summary>The next item, waited for with a bounded timeout.</summary>
    public async Task<T> NextAsync(string what) =>
        await Eventually.WaitAsync(_items.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask(), what);

    public int Waiting => _items.Reader.Count;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Call.Dispose();
        try { await _reading; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
