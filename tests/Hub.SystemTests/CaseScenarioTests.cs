using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Hub.Contracts.V1;
using Microsoft.AspNetCore.SignalR.Client;

namespace Hub.SystemTests;

/// <summary>
/// The Kazakh–Kyrgyz exchange from the report, on real infrastructure: KAZ opens a case and
/// invites KGZ; KAZ sends KGZ an H2 request for information; KGZ reads, acknowledges and
/// replies while KAZ watches each receipt arrive live; a forward to TJK waits for KAZ's
/// consent; UZB, not invited, sees nothing of it on any channel.
/// </summary>
public sealed class CaseScenarioTests(Broker broker)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Cases.CasesClient Client(HubProcess node, string token) => new(node.CreateChannel(token));

    /// <summary>A gRPC case stream, recorded.</summary>
    private sealed class Recorded : IDisposable
    {
        private readonly AsyncServerStreamingCall<CaseEvent> call;
        private readonly List<CaseEvent> _events = [];

        public Recorded(AsyncServerStreamingCall<CaseEvent> call)
        {
            this.call = call;
            _ = Task.Run(ReadAsync);
        }

        private async Task ReadAsync()
        {
            try
            {
                await foreach (var e in call.ResponseStream.ReadAllAsync())
                {
                    lock (call)
                    {
                        _events.Add(e);
                    }
                }
            }
            catch (RpcException)
            {
                // The stream ends when the test disposes it.
            }
        }

        public List<CaseEvent> Events
        {
            get
            {
                lock (call)
                {
                    return [.. _events];
                }
            }
        }

        public async Task<CaseEvent> WaitForAsync(Func<CaseEvent, bool> what, string description)
        {
            var deadline = DateTime.UtcNow + Wait;
            while (DateTime.UtcNow < deadline)
            {
                if (Events.FirstOrDefault(what) is { } found)
                {
                    return found;
                }
                await Task.Delay(50);
            }
            throw new TimeoutException($"no {description} after {Wait.TotalSeconds:0}s; got {string.Join(", ", Events.Select(e => e.Type))}");
        }

        public void Dispose() => call.Dispose();
    }

    [Fact]
    public async Task Kazakhstan_asks_Kyrgyzstan_Uzbekistan_sees_nothing()
    {
        broker.RequireControl();
        await broker.PurgeAsync("hub.country.UZB", "hub.country.KGZ");
        await using var node = await HubProcess.StartAsync(broker.HubUri);
        var kaz = Client(node, await node.PersonTokenAsync("liaison.kaz"));
        var kgz = Client(node, await node.PersonTokenAsync("liaison.kgz"));
        var tjk = Client(node, await node.PersonTokenAsync("liaison.tjk"));
        var uzbToken = await node.PersonTokenAsync("liaison.uzb");
        var uzb = Client(node, uzbToken);

        // UZB watches everything it may see, on every channel, from before the case exists.
        using var uzbStream = new Recorded(uzb.WatchCases(new WatchCasesRequest { AfterSequence = -1 }, cancellationToken: Ct));
        await using var uzbFeed = node.CreateFeedConnection(uzbToken);
        var uzbPushed = new List<JsonElement>();
        uzbFeed.On<JsonElement>("caseEvent", e => { lock (uzbPushed) { uzbPushed.Add(e); } });
        await uzbFeed.StartAsync(Ct);

        var opened = await kaz.OpenCaseAsync(new OpenCaseRequest
        {
            IdempotencyKey = "kaz-case-tarcet-0001", Title = "TARCET: heroin through Korday", OwnerCountry = "KAZ", InvitedCountries = { "KGZ" },
            NationalReferences = { new NationalReference { Country = "KAZ", Reference = "KNB-2013/0417" } },
        }, cancellationToken: Ct);
        using var kazStream = new Recorded(kaz.WatchCases(new WatchCasesRequest { CaseId = opened.Id, AfterSequence = 0 }, cancellationToken: Ct));
        await kgz.AcceptInvitationAsync(new CaseRef { CaseId = opened.Id }, cancellationToken: Ct);

        var rfi = await kaz.PostMessageAsync(new PostMessageRequest
        {
            IdempotencyKey = "kaz-rfi-tarcet-0001", CaseId = opened.Id, Kind = MessageKind.RequestForInformation, Priority = MessagePriority.Immediate,
            Subject = "Запрос: владелец грузовика 01KG123ABC", Body = "Просим сообщить владельца и пересечения границы с января.",
            Recipients = { "KGZ" }, Distribution = Distribution.Addressed, HandlingCode = HandlingCode.H2,
            Evaluation = new Evaluation { Source = SourceReliability.B, Information = InformationReliability._2 }, Language = "ru",
        }, cancellationToken: Ct);
        await kazStream.WaitForAsync(e => e.Type == "message.posted" && e.Message.Id == rfi.Id, "the request on KAZ's stream");

        await kgz.GetMessageAsync(new MessageRef { MessageId = rfi.Id }, cancellationToken: Ct);
        await kazStream.WaitForAsync(e => e.Type == "receipt.changed" && e.Message.Receipts.Single().State == ReceiptState.Delivered, "the delivered receipt");
        await kgz.MarkReadAsync(new MessageRef { MessageId = rfi.Id }, cancellationToken: Ct);
        await kazStream.WaitForAsync(e => e.Type == "receipt.changed" && e.Message.Receipts.Single().State == ReceiptState.Read, "the read receipt");
        await kgz.AcknowledgeAsync(new MessageRef { MessageId = rfi.Id }, cancellationToken: Ct);
        await kazStream.WaitForAsync(e => e.Type == "receipt.changed" && e.Message.Receipts.Single().State == ReceiptState.Acknowledged, "the acknowledged receipt");
        var reply = await kgz.PostMessageAsync(new PostMessageRequest
        {
            IdempotencyKey = "kgz-reply-tarcet-0001", CaseId = opened.Id, ReplyToMessageId = rfi.Id, Kind = MessageKind.Reply, Priority = MessagePriority.Immediate,
            Subject = "Ответ: 01KG123ABC", Body = "Владелец ОсОО «Ош-Транс»; пересечения 12.01 и 03.02.", Recipients = { "KAZ" },
            Distribution = Distribution.Addressed, HandlingCode = HandlingCode.H2, Language = "ru",
        }, cancellationToken: Ct);
        await kazStream.WaitForAsync(e => e.Type == "message.posted" && e.Message.Id == reply.Id, "the reply");
        await kazStream.WaitForAsync(e => e.Type == "message.answered" && !e.Message.AwaitingReply, "the request marked answered");

        // KAZ saw the receipts in the order they happened.
        var receipts = kazStream.Events.Where(e => e.Type == "receipt.changed").Select(e => e.Message.Receipts.Single().State).ToList();
        Assert.Equal([ReceiptState.Delivered, ReceiptState.Read, ReceiptState.Acknowledged], receipts);

        // KGZ wants to pass it to TJK: H2, so it waits for KAZ.
        var forward = await kgz.ForwardAsync(new ForwardRequest { MessageId = rfi.Id, Countries = { "TJK" }, Reason = "the consignment continues to Dushanbe" }, cancellationToken: Ct);
        Assert.Equal(ForwardState.Pending, forward.State);
        await kazStream.WaitForAsync(e => e.Type == "forward.requested" && e.Forward.ForwardId == forward.ForwardId, "the forward request");
        var beforeConsent = await Assert.ThrowsAsync<RpcException>(() => tjk.GetMessageAsync(new MessageRef { MessageId = rfi.Id }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, beforeConsent.StatusCode);
        await kaz.DecideForwardAsync(new DecideForwardRequest { ForwardId = forward.ForwardId, Approve = true, Reason = "agreed" }, cancellationToken: Ct);
        Assert.Contains("TJK", (await tjk.GetMessageAsync(new MessageRef { MessageId = rfi.Id }, cancellationToken: Ct)).Recipients);

        // KGZ's agency queue carries the case events released to KGZ.
        var kgzQueue = await AgencyInboxCases.TakeAsync(broker, "KGZ", opened.Id, e => e == "case.message.posted", Wait);
        Assert.NotEmpty(kgzQueue);

        // Now, and only now, UZB is invited: that is the first thing of this case it sees.
        await kaz.InviteAsync(new InviteRequest { CaseId = opened.Id, Countries = { "UZB" } }, cancellationToken: Ct);
        var first = await uzbStream.WaitForAsync(e => e.CaseId == opened.Id, "UZB's first event of the case");
        Assert.Equal("case.updated", first.Type);
        Assert.All(uzbStream.Events.Where(e => e.CaseId == opened.Id), e => Assert.Equal("case.updated", e.Type));
        var deadline = DateTime.UtcNow + Wait;
        while (DateTime.UtcNow < deadline && Pushed(uzbPushed, opened.Id).Count == 0)
        {
            await Task.Delay(50, Ct);
        }
        Assert.Equal(["case.updated"], Pushed(uzbPushed, opened.Id).Distinct());
        var uzbQueue = await AgencyInboxCases.TakeAsync(broker, "UZB", opened.Id, _ => true, Wait);
        Assert.Equal("case.case.updated", Assert.Single(uzbQueue));
        // Invited but not accepted: the messages stay out of reach.
        var stillHidden = await Assert.ThrowsAsync<RpcException>(() => uzb.GetMessageAsync(new MessageRef { MessageId = rfi.Id }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, stillHidden.StatusCode);
        Assert.Empty((await uzb.SearchMessagesAsync(new SearchMessagesRequest { Query = "владелец" }, cancellationToken: Ct)).Messages);
    }

    private static List<string> Pushed(List<JsonElement> pushed, string caseId)
    {
        lock (pushed)
        {
            return pushed.Where(e => e.GetProperty("caseId").GetString() == caseId).Select(e => e.GetProperty("type").GetString()!).ToList();
        }
    }
}

/// <summary>Reads case events for one case from a member agency's queue.</summary>
public static class AgencyInboxCases
{
    /// <summary>The event types of the case's events on the queue, once one matching <paramref name="until"/> arrived or the wait ran out.</summary>
    public static async Task<List<string>> TakeAsync(Broker broker, string country, string caseId, Func<string, bool> until, TimeSpan wait)
    {
        await using var connection = await broker.ConnectAsAgencyAsync(country);
        await using var channel = await connection.CreateChannelAsync();
        var types = new List<string>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new RabbitMQ.Client.Events.AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            using var json = JsonDocument.Parse(delivery.Body.ToArray());
            var root = json.RootElement;
            if (root.TryGetProperty("case", out var caseEvent) && caseEvent.GetProperty("caseId").GetString() == caseId)
            {
                var type = root.GetProperty("eventType").GetString()!;
                lock (types)
                {
                    types.Add(type);
                }
                if (until(type))
                {
                    done.TrySetResult();
                }
            }
            await channel.BasicAckAsync(delivery.DeliveryTag, false);
        };
        var tag = await RabbitMQ.Client.IChannelExtensions.BasicConsumeAsync(channel, $"hub.country.{country}", false, consumer);
        try
        {
            await done.Task.WaitAsync(wait);
        }
        catch (TimeoutException)
        {
        }
        await channel.BasicCancelAsync(tag);
        lock (types)
        {
            return [.. types];
        }
    }
}
