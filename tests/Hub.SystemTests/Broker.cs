using System.Text.Json;
using System.Diagnostics;
using System.Text;
using Hub.SystemTests;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

[assembly: AssemblyFixture(typeof(Broker))]

namespace Hub.SystemTests;

/// <summary>
/// The RabbitMQ node the system tests run against: the private node .ci/run starts
/// (HUB_TEST_RABBITMQ, HUB_RABBITMQ_DIR), with deploy/rabbitmq/definitions.json applied, so
/// that the hub and the agencies use the same vhost, users and permissions as production.
/// </summary>
public sealed class Broker : IAsyncLifetime
{
    public const string Variable = "HUB_TEST_RABBITMQ";
    private string? _nodeDirectory;
    private Uri? _base;

    /// <summary>amqp://hub:…@host:port/hub — what hub nodes connect with.</summary>
    public string HubUri => Require() + "";

    public async ValueTask InitializeAsync()
    {
        var uri = Environment.GetEnvironmentVariable(Variable);
        _nodeDirectory = Environment.GetEnvironmentVariable("HUB_RABBITMQ_DIR");
        if (string.IsNullOrWhiteSpace(uri))
        {
            return;
        }
        _base = new Uri(uri);
        if (_nodeDirectory is not null)
        {
            await RunScriptAsync("import-definitions", Path.Combine(RepositoryRoot(), "deploy", "rabbitmq", "definitions.json"), _nodeDirectory);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private Uri Require()
    {
        if (_base is not null)
        {
            return _nodeDirectory is null
                ? _base
                : new Uri($"amqp://hub:hub-dev-password@{_base.Host}:{_base.Port}/hub");
        }
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail($"{Variable} is not set under CI: .ci/run should have started a RabbitMQ node.");
        }
        Assert.Skip($"{Variable} is not set: run `bash .ci/run` to start a private RabbitMQ node and run these tests.");
        return null!;
    }

    /// <summary>The node can be stopped and started again (the private node of .ci/run).</summary>
    public void RequireControl()
    {
        Require();
        if (_nodeDirectory is null)
        {
            Assert.Skip("HUB_RABBITMQ_DIR is not set: stopping the broker needs the private node of .ci/run.");
        }
    }

    public Task StopAsync() => RunScriptAsync("stop-node", _nodeDirectory!);

    public Task StartAsync() => RunScriptAsync("start-existing", _nodeDirectory!);

    /// <summary>An AMQP connection as a member agency's RabbitMQ user (deploy/rabbitmq/definitions.json).</summary>
    public Task<IConnection> ConnectAsAgencyAsync(string country)
    {
        var hub = Require();
        var user = $"agency-{country.ToLowerInvariant()}";
        return new ConnectionFactory
        {
            Uri = new Uri($"amqp://{user}:{user}-amqp-dev-password@{hub.Host}:{hub.Port}/hub"),
        }.CreateConnectionAsync();
    }

    /// <summary>An AMQP connection as the hub's own user.</summary>
    public Task<IConnection> ConnectAsHubAsync() => new ConnectionFactory { Uri = Require() }.CreateConnectionAsync();

    public async Task PurgeAsync(params string[] queues)
    {
        await using var connection = await ConnectAsHubAsync();
        await using var channel = await connection.CreateChannelAsync();
        foreach (var queue in queues)
        {
            try
            {
                await channel.QueuePurgeAsync(queue);
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                // Not declared yet: nothing to purge. The channel is closed by the broker.
                return;
            }
        }
    }

    /// <summary>How many messages wait on a queue (0 when it is not declared yet).</summary>
    public async Task<uint> QueuedAsync(string queue)
    {
        await using var connection = await ConnectAsHubAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return 0;
        }
    }

    private static async Task RunScriptAsync(params string[] arguments)
    {
        var script = Path.Combine(RepositoryRoot(), "deploy", "rabbitmq", "local-node.sh");
        var info = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"local-node.sh {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stderr}{await stdout}");
        }
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Hub.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("Hub.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>Reads a member agency's queue the way its own system would: plain AMQP, JSON bodies.</summary>
public static class AgencyInbox
{
    /// <param name="Distribution">The alert's distribution; null when the event carries no content (a withdrawal).</param>
    /// <param name="Body">The message as received, for what the record does not name.</param>
    public sealed record Received(Guid EventId, string Type, long Sequence, string AlertId, string? Distribution, string Body);

    /// <summary>
    /// Consumes (acknowledging each) until <paramref name="count"/> distinct events arrived or the
    /// wait ran out. Country queues are quorum queues with a single active consumer, which
    /// serve basic.consume only — as an agency's system would use them.
    /// </summary>
    /// <param name="mine">Which messages the calling test posted; others (left by earlier tests on the shared broker) are acknowledged and dropped.</param>
    public static async Task<List<Received>> TakeAsync(Broker broker, string country, int count, TimeSpan wait, IReadOnlySet<string>? mine = null)
    {
        await using var connection = await broker.ConnectAsAgencyAsync(country);
        await using var channel = await connection.CreateChannelAsync();
        await channel.BasicQosAsync(0, 100, false);
        var received = new List<Received>();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            using var json = System.Text.Json.JsonDocument.Parse(Encoding.UTF8.GetString(delivery.Body.Span));
            var root = json.RootElement;
            // Alert events name the alert; match events the country's own record in the match.
            var alert = root.TryGetProperty("alert", out var a) ? a : (JsonElement?)null;
            var recordId = alert is { } known ? known.GetProperty("id").GetString()!
                : root.TryGetProperty("match", out var m) && m.GetProperty("match").TryGetProperty("record", out var r) ? r.GetProperty("recordId").GetString()! : "";
            var item = new Received(
                Guid.Parse(root.GetProperty("eventId").GetString()!),
                root.GetProperty("eventType").GetString()!,
                root.GetProperty("sequence").GetInt64(),
                recordId,
                alert is { } withContent && withContent.TryGetProperty("content", out var content) ? content.GetProperty("distribution").GetString() : null,
                root.GetRawText());
            if (mine is not null && !mine.Contains(item.AlertId))
            {
                await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
                return;
            }
            bool take;
            lock (received)
            {
                // Counted by distinct event: a redelivered duplicate is recorded (for the
                // caller to see) but does not stand for an event that has not come yet.
                take = received.Select(r => r.EventId).Distinct().Count() < count
                    && root.GetProperty("schema").GetString() == "hub.country-event.v1" && delivery.BasicProperties.MessageId == item.EventId.ToString();
                if (take)
                {
                    received.Add(item);
                }
                if (received.Select(r => r.EventId).Distinct().Count() >= count)
                {
                    enough.TrySetResult();
                }
            }
            if (take)
            {
                await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
            }
            else
            {
                // Beyond what was asked for: leave it on the queue for the next reader.
                await channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true);
            }
        };
        var tag = await channel.BasicConsumeAsync($"hub.country.{country}", autoAck: false, consumer);
        try
        {
            await enough.Task.WaitAsync(wait);
        }
        catch (TimeoutException)
        {
            // Return what arrived; the caller's assertions say what was missing.
        }
        await channel.BasicCancelAsync(tag);
        lock (received)
        {
            return [.. received];
        }
    }
}
