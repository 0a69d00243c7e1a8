using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Hub.Contracts.V1;
using Microsoft.EntityFrameworkCore;

namespace Hub.Tests.Cases;

public sealed class CaseMessagingTests(HubFactory hub) : IClassFixture<HubFactory>
{
    private readonly CaseTestKit _kit = new(hub);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<RpcException> Refused(Func<Task> call) => await Assert.ThrowsAsync<RpcException>(call);

    [Fact]
    public async Task A_request_for_information_is_delivered_read_acknowledged_and_answered()
    {
        var opened = await _kit.OpenAcceptedAsync("KAZ", "KGZ");
        var kazakh = await _kit.AsAsync("liaison.kaz");
        var kyrgyz = await _kit.AsAsync("liaison.kgz");
        var rfi = CaseTestKit.Rfi(opened.Id, "KGZ");
        rfi.Attachments.Add(CaseTestKit.Pdf());
        rfi.ReplyDueAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(2));

        var sent = await kazakh.PostMessageAsync(rfi, cancellationToken: Ct);
        Assert.True(sent.AwaitingReply);
        Assert.Equal(ReceiptState.Sent, Assert.Single(sent.Receipts).State);

        var fetched = await kyrgyz.GetMessageAsync(new MessageRef { MessageId = sent.Id }, cancellationToken: Ct);
        Assert.Equal(ReceiptState.Delivered, fetched.Receipts.Single().State);
        Assert.Equal(rfi.Attachments[0].Content, fetched.Attachments[0].Content);
        Assert.Equal(ReceiptState.Read, (await kyrgyz.MarkReadAsync(new MessageRef { MessageId = sent.Id }, cancellationToken: Ct)).Receipts.Single().State);
        Assert.Equal(ReceiptState.Acknowledged, (await kyrgyz.AcknowledgeAsync(new MessageRef { MessageId = sent.Id }, cancellationToken: Ct)).Receipts.Single().State);
        // Receipts never go back.
        Assert.Equal(ReceiptState.Acknowledged, (await kyrgyz.MarkReadAsync(new MessageRef { MessageId = sent.Id }, cancellationToken: Ct)).Receipts.Single().State);

        var reply = new PostMessageRequest
        {
            IdempotencyKey = CaseTestKit.Key(), CaseId = opened.Id, ReplyToMessageId = sent.Id, Kind = MessageKind.Reply, Priority = MessagePriority.Urgent,
            Subject = "Re: Truck 01KG123ABC", Body = "Владелец: ОсОО «Ош-Транс», пересечения 12.01 и 03.02.", Recipients = { "KAZ" },
            Distribution = Distribution.Addressed, HandlingCode = HandlingCode.H2, Language = "ru",
        };
        var answered = await kyrgyz.PostMessageAsync(reply, cancellationToken: Ct);

        Assert.Equal(sent.Id, answered.ReplyToMessageId);
        Assert.Equal("Владелец: ОсОО «Ош-Транс», пересечения 12.01 и 03.02.", answered.Body);
        Assert.False((await kazakh.GetMessageAsync(new MessageRef { MessageId = sent.Id }, cancellationToken: Ct)).AwaitingReply);
        var thread = await kazakh.ListMessagesAsync(new ListMessagesRequest { CaseId = opened.Id }, cancellationToken: Ct);
        Assert.Equal([sent.Id, answered.Id], thread.Messages.Select(m => m.Id));
    }

    [Fact]
    public async Task A_message_to_a_country_that_is_not_a_participant_is_refused()
    {
        var opened = await _kit.OpenAcceptedAsync("KAZ", "KGZ");
        var kazakh = await _kit.AsAsync("liaison.kaz");
        await kazakh.InviteAsync(new InviteRequest { CaseId = opened.Id, Countries = { "TJK" } }, cancellationToken: Ct);

        var outsider = await Refused(() => kazakh.PostMessageAsync(CaseTestKit.Rfi(opened.Id, "UZB"), cancellationToken: Ct).ResponseAsync);
        var invitedOnly = await Refused(() => kazakh.PostMessageAsync(CaseTestKit.Rfi(opened.Id, "KGZ", "TJK"), cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, outsider.StatusCode);
        Assert.StartsWith("recipients[0]: ", outsider.Status.Detail, StringComparison.Ordinal);
        Assert.StartsWith("recipients[1]: ", invitedOnly.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await hub.WithDbAsync(db => db.Set<Hub.Server.Cases.CaseMessageRecord>().CountAsync(m => m.CaseId == Guid.Parse(opened.Id))));
    }

    public static TheoryData<string, string> BadAttachments => new()
    {
        { "over the limit", "attachments[0].content" },
        { "refused type", "attachments[0].content_type" },
        { "not what it says", "attachments[0].content" },
        { "path in the name", "attachments[0].file_name" },
        { "too many", "attachments" },
    };

    [Theory]
    [MemberData(nameof(BadAttachments))]
    public async Task Attachments_over_the_limit_or_of_a_refused_type_are_refused(string how, string field)
    {
        var opened = await _kit.OpenAcceptedAsync("KAZ", "KGZ");
        var request = CaseTestKit.Rfi(opened.Id, "KGZ");
        switch (how)
        {
            case "over the limit": request.Attachments.Add(CaseTestKit.Pdf(5 * 1024 * 1024)); break;
            case "refused type": request.Attachments.Add(new Attachment { FileName = "setup.exe", ContentType = "application/x-msdownload", Content = ByteString.CopyFromUtf8("MZ") }); break;
            case "not what it says": request.Attachments.Add(new Attachment { FileName = "photo.png", ContentType = "image/png", Content = ByteString.CopyFromUtf8("GIF89a") }); break;
            case "path in the name": request.Attachments.Add(new Attachment { FileName = "../../etc/passwd", ContentType = "text/plain", Content = ByteString.CopyFromUtf8("x") }); break;
            case "too many": for (var i = 0; i < 6; i++) { request.Attachments.Add(CaseTestKit.Pdf(100)); } break;
        }

        var ex = await Refused(async () => await (await _kit.AsAsync("liaison.kaz")).PostMessageAsync(request, cancellationToken: Ct));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.StartsWith(field + ": ", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await hub.WithDbAsync(db => db.Set<Hub.Server.Cases.CaseAttachmentRecord>().CountAsync(a => a.FileName == request.Attachments[0].FileName && a.Size == request.Attachments[0].Content.Length)));
    }

    [Fact]
    public async Task A_reply_to_a_message_the_caller_cannot_see_is_refused_as_not_found()
    {
        var opened = await _kit.OpenAcceptedAsync("KAZ", "KGZ", "TJK");
        var secret = await (await _kit.AsAsync("liaison.kaz")).PostMessageAsync(CaseTestKit.Rfi(opened.Id, "KGZ"), cancellationToken: Ct);
        var reply = new PostMessageRequest
        {
            IdempotencyKey = CaseTestKit.Key(), CaseId = opened.Id, ReplyToMessageId = secret.Id, Kind = MessageKind.Reply, Priority = MessagePriority.Routine,
            Subject = "Re", Body = "I should not see this", Recipients = { "KAZ" }, Distribution = Distribution.Addressed, HandlingCode = HandlingCode.H0, Language = "en",
        };

        var ex = await Refused(async () => await (await _kit.AsAsync("liaison.tjk")).PostMessageAsync(reply, cancellationToken: Ct));

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.StartsWith("reply_to_message_id: ", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forwarding_an_H2_message_waits_for_the_originators_consent()
    {
        var opened = await _kit.OpenAcceptedAsync("KAZ", "KGZ");
        var sent = await (await _kit.AsAsync("liaison.kaz")).PostMessageAsync(CaseTestKit.Rfi(opened.Id, "KGZ"), cancellationToken: Ct);
        var kyrgyz = await _kit.AsAsync("liaison.kgz");
        var tajik = await _kit.AsAsync("liaison.tjk");

        var requested = await kyrgyz.ForwardAsync(new ForwardRequest { MessageId = sent.Id, Countries = { "TJK" }, Reason = "the truck continues to Dushanbe" }, cancellationToken: Ct);

        Assert.Equal(ForwardState.Pending, requested.State);
        Assert.Equal(StatusCode.NotFound, (await Refused(() => tajik.GetMessageAsync(new MessageRef { MessageId = sent.Id }, cancellationToken: Ct).ResponseAsync)).StatusCode);
        // Only the originator decides: the requester cannot approve its own request.
        Assert.Equal(StatusCode.PermissionDenied, (await Refused(() => kyrgyz.DecideForwardAsync(new DecideForwardRequest { ForwardId = requested.ForwardId, Approve = true }, cancellationToken: Ct).ResponseAsync)).StatusCode);

        var denied = await (await _kit.AsAsync("liaison.kaz")).DecideForwardAsync(new DecideForwardRequest { ForwardId = requested.ForwardId, Approve = false, Reason = "not yet: surveillance is running" }, cancellationToken: Ct);

        Assert.Equal(ForwardState.Denied, denied.State);
        Assert.Equal(StatusCode.NotFound, (await Refused(() => tajik.GetMessageAsync(new MessageRef { MessageId = sent.Id }, cancellationToken: Ct).ResponseAsync)).StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, (await Refused(async () => await (await _kit.AsAsync("liaison.kaz")).DecideForwardAsync(new DecideForwardRequest { ForwardId = requested.ForwardId, Approve = true }, cancellationToken: Ct))).StatusCode);
        Assert.True(await hub.WithDbAsync(db => db.AuditTrail.AnyAsync(e => e.Action == "message.forward-decided" && e.RecordId == sent.Id)));
    }

    [Fact]
    public async Task Forwarding_an_H1_message_is_done_at_once_and_recorded()
    {
        var opened = await _kit.OpenAcceptedAsync("KAZ", "KGZ");
        var request = CaseTestKit.Rfi(opened.Id, "KGZ");
        request.HandlingCode = HandlingCode.H1;
        var sent = await (await _kit.AsAsync("liaison.kaz")).PostMessageAsync(request, cancellationToken: Ct);

        var forwarded = await (await _kit.AsAsync("liaison.kgz")).ForwardAsync(new ForwardRequest { MessageId = sent.Id, Countries = { "RUS" }, Reason = "destination country" }, cancellationToken: Ct);

        Assert.Equal(ForwardState.Approved, forwarded.State);
        var russian = await (await _kit.AsAsync("liaison.rus")).GetMessageAsync(new MessageRef { MessageId = sent.Id }, cancellationToken: Ct);
        Assert.Contains("RUS", russian.Recipients);
        Assert.True(await hub.WithDbAsync(db => db.AuditTrail.AnyAsync(e => e.Action == "message.forwarded" && e.RecordId == sent.Id)));
    }

    [Fact]
    public async Task An_overdue_request_raises_one_escalation()
    {
        var opened = await _kit.OpenAcceptedAsync("KAZ", "KGZ");
        var request = CaseTestKit.Rfi(opened.Id, "KGZ");
        request.ReplyDueAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(1));
        var sent = await (await _kit.AsAsync("liaison.kaz")).PostMessageAsync(request, cancellationToken: Ct);

        await Eventually.UntilAsync(async () => (await (await _kit.AsAsync("liaison.kaz")).GetMessageAsync(new MessageRef { MessageId = sent.Id })).Overdue, "the request to be marked overdue", TimeSpan.FromSeconds(30));

        var id = Guid.Parse(opened.Id);
        Assert.Equal(1, await hub.WithDbAsync(db => db.Set<Hub.Server.Cases.CaseEventRecord>().CountAsync(e => e.CaseId == id && e.Type == "rfi.overdue")));
    }

    public static TheoryData<string, string> BadMessages => new()
    {
        { "no kind", "kind" },
        { "no priority", "priority" },
        { "no subject", "subject" },
        { "reply without a message", "reply_to_message_id" },
        { "originator distribution", "distribution" },
        { "no evaluation", "evaluation" },
        { "bad language", "language" },
        { "due in the past", "reply_due_at" },
    };

    [Theory]
    [MemberData(nameof(BadMessages))]
    public async Task Refuses_a_bad_message_naming_the_field(string how, string field)
    {
        var request = CaseTestKit.Rfi(Guid.NewGuid().ToString(), "KGZ");
        switch (how)
        {
            case "no kind": request.Kind = MessageKind.Unspecified; break;
            case "no priority": request.Priority = MessagePriority.Unspecified; break;
            case "no subject": request.Subject = " "; break;
            case "reply without a message": request.Kind = MessageKind.Reply; break;
            case "originator distribution": request.Distribution = Distribution.Originator; break;
            case "no evaluation": request.Evaluation = null; break;
            case "bad language": request.Language = "english"; break;
            case "due in the past": request.ReplyDueAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-1)); break;
        }

        var ex = await Refused(async () => await (await _kit.AsAsync("liaison.kaz")).PostMessageAsync(request, cancellationToken: Ct));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.StartsWith(field + ": ", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outsiders_see_nothing_of_a_case()
    {
        var opened = await _kit.OpenAcceptedAsync("KAZ", "KGZ");
        var sent = await (await _kit.AsAsync("liaison.kaz")).PostMessageAsync(CaseTestKit.Rfi(opened.Id, "KGZ"), cancellationToken: Ct);
        var uzbek = await _kit.AsAsync("liaison.uzb");

        Assert.Equal(StatusCode.NotFound, (await Refused(() => uzbek.GetCaseAsync(new CaseRef { CaseId = opened.Id }, cancellationToken: Ct).ResponseAsync)).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Refused(() => uzbek.GetMessageAsync(new MessageRef { MessageId = sent.Id }, cancellationToken: Ct).ResponseAsync)).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Refused(() => uzbek.ListMessagesAsync(new ListMessagesRequest { CaseId = opened.Id }, cancellationToken: Ct).ResponseAsync)).StatusCode);
        Assert.DoesNotContain((await uzbek.ListCasesAsync(new ListCasesRequest(), cancellationToken: Ct)).Cases, c => c.Id == opened.Id);
        Assert.Equal(StatusCode.NotFound, (await Refused(() => uzbek.AcceptInvitationAsync(new CaseRef { CaseId = opened.Id }, cancellationToken: Ct).ResponseAsync)).StatusCode);
        // The centre sees it all.
        var centre = await _kit.AsAsync("operator");
        Assert.Equal(sent.Id, (await centre.GetMessageAsync(new MessageRef { MessageId = sent.Id }, cancellationToken: Ct)).Id);
    }
}
