using Grpc.Core;
using Hub.Contracts.V1;
using Hub.Tests.Cases;
using Hub.Tests.Records;

namespace Hub.Tests.Revisions;

/// <summary>
/// Case messages corrected and withdrawn: a new version with its history, receipts that
/// start again, the refusals, and case streams that replay the message as it is now.
/// </summary>
public sealed class MessageRevisionTests(HubFactory hub) : IClassFixture<HubFactory>
{
    private readonly CaseTestKit _kit = new(hub);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(Case Case, CaseMessage Message)> SentAsync()
    {
        var opened = await _kit.OpenAcceptedAsync("KAZ", "KGZ", "UZB");
        var rfi = CaseTestKit.Rfi(opened.Id, "KGZ");
        rfi.Attachments.Add(CaseTestKit.Pdf());
        var sent = await (await _kit.AsAsync("liaison.kaz")).PostMessageAsync(rfi, cancellationToken: Ct);
        return (opened, sent);
    }

    private static CorrectMessageRequest Correction(CaseMessage message, string body = "Please provide the owner of truck 01KG123ABD (not ABC).", string reason = "wrong plate") =>
        new() { MessageId = message.Id, ExpectedVersion = message.Version, Reason = reason, Subject = message.Subject, Body = body };

    [Fact]
    public async Task A_correction_is_a_new_version_and_the_receipts_start_again()
    {
        var (_, sent) = await SentAsync();
        var kgz = await _kit.AsAsync("liaison.kgz");
        await kgz.AcknowledgeAsync(new MessageRef { MessageId = sent.Id }, cancellationToken: Ct);

        var corrected = await (await _kit.AsAsync("liaison.kaz")).CorrectMessageAsync(Correction(sent), cancellationToken: Ct);
        Assert.Equal(2, corrected.Version);
        Assert.True(corrected.Corrected);
        Assert.Equal(ReceiptState.Sent, Assert.Single(corrected.Receipts).State);

        var read = await kgz.GetMessageAsync(new MessageRef { MessageId = sent.Id }, cancellationToken: Ct);
        Assert.Contains("01KG123ABD", read.Body);
        var history = await kgz.GetMessageHistoryAsync(new MessageRef { MessageId = sent.Id }, cancellationToken: Ct);
        Assert.Equal([1, 2], history.Versions.Select(v => v.Version));
        Assert.Contains("01KG123ABC", history.Versions[0].Body);
        Assert.Equal("wrong plate", history.Versions[1].Reason);

        // Searches find the text as it reads now.
        var search = await kgz.SearchMessagesAsync(new SearchMessagesRequest { Query = "01KG123ABD" }, cancellationToken: Ct);
        Assert.Contains(search.Messages, m => m.Id == sent.Id);
    }

    [Fact]
    public async Task Refusals_another_countrys_message_a_withdrawn_one_a_missing_reason_a_stale_version()
    {
        var (_, sent) = await SentAsync();
        var kgz = await _kit.AsAsync("liaison.kgz");
        var kaz = await _kit.AsAsync("liaison.kaz");
        var notOurs = await Assert.ThrowsAsync<RpcException>(() => kgz.CorrectMessageAsync(Correction(sent), cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, notOurs.StatusCode);
        var noReason = await Assert.ThrowsAsync<RpcException>(() => kaz.CorrectMessageAsync(Correction(sent, reason: ""), cancellationToken: Ct).ResponseAsync);
        Assert.StartsWith("reason: required", noReason.Status.Detail);
        await kaz.CorrectMessageAsync(Correction(sent), cancellationToken: Ct);
        var stale = await Assert.ThrowsAsync<RpcException>(() => kaz.CorrectMessageAsync(Correction(sent, body: "another text"), cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, stale.StatusCode);
        Assert.Contains("at version 2", stale.Status.Detail);

        await kaz.WithdrawMessageAsync(new WithdrawMessageRequest { MessageId = sent.Id, Reason = "sent to the wrong case" }, cancellationToken: Ct);
        var withdrawn = await Assert.ThrowsAsync<RpcException>(() => kaz.CorrectMessageAsync(Correction(sent, body: "x"), cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, withdrawn.StatusCode);
    }

    [Fact]
    public async Task A_withdrawn_message_leaves_lists_and_searches_and_every_replay_withholds_its_content()
    {
        var (opened, sent) = await SentAsync();
        var kaz = await _kit.AsAsync("liaison.kaz");
        var kgz = await _kit.AsAsync("liaison.kgz");
        await kaz.WithdrawMessageAsync(new WithdrawMessageRequest { MessageId = sent.Id, Reason = "the source must be protected" }, cancellationToken: Ct);

        var seen = await kgz.GetMessageAsync(new MessageRef { MessageId = sent.Id }, cancellationToken: Ct);
        Assert.Equal(WithdrawalCause.Originator, seen.Withdrawal.Cause);
        Assert.Equal("", seen.Body);
        Assert.Empty(seen.Attachments);
        Assert.NotEqual("", (await kaz.GetMessageAsync(new MessageRef { MessageId = sent.Id }, cancellationToken: Ct)).Body);
        Assert.DoesNotContain((await kgz.ListMessagesAsync(new ListMessagesRequest { CaseId = opened.Id }, cancellationToken: Ct)).Messages, m => m.Id == sent.Id);
        Assert.Contains((await kgz.ListMessagesAsync(new ListMessagesRequest { CaseId = opened.Id, IncludeWithdrawn = true }, cancellationToken: Ct)).Messages, m => m.Id == sent.Id);
        Assert.DoesNotContain((await kaz.SearchMessagesAsync(new SearchMessagesRequest { Query = "01KG123ABC" }, cancellationToken: Ct)).Messages, m => m.Id == sent.Id);

        // KGZ replays the case from the start: the posted message comes as withdrawn, without its text.
        using var call = kgz.WatchCases(new WatchCasesRequest { AfterSequence = 0, CaseId = opened.Id }, cancellationToken: Ct);
        await using var replay = new Received<CaseEvent>(call);
        var events = new List<CaseEvent>();
        while (events.All(e => e.Type != "message.withdrawn"))
        {
            events.Add(await replay.NextAsync("the case replay up to the withdrawal"));
        }
        var aboutIt = events.Where(e => e.Message?.Id == sent.Id).ToList();
        Assert.Equal(["message.posted", "message.withdrawn"], aboutIt.Select(e => e.Type));
        Assert.All(aboutIt, e => Assert.Equal("", e.Message.Body));
        Assert.All(aboutIt, e => Assert.Equal("", e.Message.Subject));
        Assert.All(aboutIt, e => Assert.Equal(WithdrawalCause.Originator, e.Message.Withdrawal.Cause));
    }
}
