using RabbitMQ.Client;

namespace Hub.Server.Messaging;

/// <summary>
/// A plain AMQP connection beside MassTransit's, for what MassTransit does not do for us:
/// the per-country queues member agencies read with their own AMQP clients, and reading and
/// replaying dead letters. One channel with publisher confirms, used one call at a time.
/// </summary>
public sealed class BrokerConnection(Uri uri, NodeIdentity node) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;
    private IChannel? _channel;

    /// <summary>Runs <paramref name="action"/> on the channel; a failed channel is rebuilt on the next call.</summary>
    public async Task<T> UseAsync<T>(Func<IChannel, Task<T>> action, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var channel = await ChannelAsync(cancellationToken);
            try
            {
                return await action(channel);
            }
            catch
            {
                await ResetAsync();
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IChannel> ChannelAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true })
        {
            return _channel;
        }
        await ResetAsync();
        var factory = new ConnectionFactory
        {
            Uri = uri,
            ClientProvidedName = $"hub {node.Name} country-queues",
            AutomaticRecoveryEnabled = false,
        };
        _connection = await factory.CreateConnectionAsync(cancellationToken);
        _channel = await _connection.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: true,
            publisherConfirmationTrackingEnabled: true), cancellationToken);
        return _channel;
    }

    private async Task ResetAsync()
    {
        try
        {
            if (_channel is not null)
            {
                await _channel.DisposeAsync();
            }
            if (_connection is not null)
            {
                await _connection.DisposeAsync();
            }
        }
#pragma warning disable CA1031 // Tearing down a broken connection: nothing more to do.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        _channel = null;
        _connection = null;
    }

    public async ValueTask DisposeAsync()
    {
        await ResetAsync();
        _gate.Dispose();
    }
}
