using System.Text.Json;
using Hub.Client;
using Microsoft.AspNetCore.SignalR.Client;

namespace Hub.Tests.Alerts;

public sealed class FeedHubTests(HubFactory hub) : IClassFixture<HubFactory>
{
    [Fact]
    public async Task An_alert_posted_over_gRPC_reaches_the_live_feed_once()
    {
        await using var connection = hub.CreateFeedConnection(await hub.PersonTokenAsync("operator"));
        var received = new List<JsonElement>();
        var arrived = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<JsonElement>("alertPosted", message =>
        {
            lock (received)
            {
                received.Add(message);
            }
            arrived.TrySetResult(message);
        });
        await connection.StartAsync(TestContext.Current.CancellationToken);
        var client = await hub.AgencyAlertsClientAsync("KGZ");
        var request = SampleAlerts.HeroinAtKorday("KGZ");

        var posted = await client.PostAlertAsync(request, cancellationToken: TestContext.Current.CancellationToken);
        await client.PostAlertAsync(request, cancellationToken: TestContext.Current.CancellationToken);
        var message = await Eventually.WaitAsync(arrived.Task, "alertPosted on /hubs/feed");

        Assert.Equal(posted.Alert.Sequence, message.GetProperty("sequence").GetInt64());
        Assert.True(Guid.TryParse(message.GetProperty("eventId").GetString(), out _));
        var alert = message.GetProperty("alert");
        Assert.Equal(posted.Alert.Id, alert.GetProperty("id").GetString());
        Assert.Equal("KGZ", alert.GetProperty("content").GetProperty("reportingCountry").GetString());
        Assert.Equal("HANDLING_CODE_H1", alert.GetProperty("content").GetProperty("handlingCode").GetString());

        // The retried post published nothing: a later alert is the next thing to arrive.
        var next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<JsonElement>("alertPosted", _ => next.TrySetResult());
        var later = await client.PostAlertAsync(SampleAlerts.HeroinAtKorday("KGZ"), cancellationToken: TestContext.Current.CancellationToken);
        await Eventually.WaitAsync(next.Task.ContinueWith(_ => true, TaskScheduler.Default), "the next alert");
        lock (received)
        {
            Assert.Equal([posted.Alert.Sequence, later.Alert.Sequence], received.Select(m => m.GetProperty("sequence").GetInt64()));
        }
    }
}
