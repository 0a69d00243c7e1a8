using Google.Protobuf;
using Grpc.Core;
using Hub.Client;
using Hub.Contracts.V1;
using Hub.Server.Validation;
using Hub.Tests.Cases;
using Hub.Tests.Deliveries;
using Microsoft.EntityFrameworkCore;

namespace Hub.Tests.Validation;

/// <summary>
/// Input an attacker used to smuggle: a quantity that became Infinity, a file name that reads
/// backwards, a program posing as a document, a crossing point with NUL and right-to-left
/// marks, a display name with zero-width characters. Each is refused naming the field, and
/// nothing is stored.
/// </summary>
public sealed class SmuggledInputTests(HubFactory hub) : IClassFixture<HubFactory>
{
    private readonly CaseTestKit _cases = new(hub);
    private readonly DeliveryTestKit _deliveries = new(hub);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("Customs \u202Egnp.exe", "contains a bidirectional control")]
    [InlineData("Custo\u200Bms", "contains an invisible character")]
    [InlineData("Customs\u0007", "contains a control character")]
    [InlineData("Customs \uE000", "contains a private-use")]
    public void The_one_text_rule_refuses_what_hides_or_reorders_text(string text, string why)
    {
        Assert.StartsWith(why, TextFields.Smuggled(text));
    }

    [Fact]
    public void A_broken_surrogate_pair_is_refused() => Assert.StartsWith("contains a broken surrogate", TextFields.Smuggled("Customs " + (char)0xD800));

    [Theory]
    [InlineData("Таможня Кордай")]
    [InlineData("میر\u200Cزاده")]
    [InlineData("Line one\nline two\ttabbed")]
    public void Real_scripts_and_line_breaks_in_bodies_pass(string text)
    {
        Assert.Null(TextFields.Smuggled(text));
    }

    [Theory]
    [InlineData(1e308, QuantityUnit.G)]
    [InlineData(2e6, QuantityUnit.T)]
    [InlineData(5e9, QuantityUnit.Pills)]
    public async Task An_implausible_quantity_is_refused_naming_the_field(double quantity, QuantityUnit unit)
    {
        var request = SampleAlerts.HeroinAtKorday("KAZ");
        request.Alert.Items[0].Quantity = quantity;
        request.Alert.Items[0].Unit = unit;
        var before = await hub.WithDbAsync(db => db.Set<Hub.Server.Alerts.AlertRecord>().CountAsync(Ct));
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await (await hub.AgencyAlertsClientAsync("KAZ")).PostAlertAsync(request, cancellationToken: Ct));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.StartsWith("alert.items[0].quantity: ", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, await hub.WithDbAsync(db => db.Set<Hub.Server.Alerts.AlertRecord>().CountAsync(Ct)));
    }

    public static TheoryData<string, string> SmuggledAttachments => new()
    {
        { "reversed name", "attachments[0].file_name" },
        { "program as text", "attachments[0].content" },
        { "text named pdf", "attachments[0].file_name" },
        { "not utf-8", "attachments[0].content" },
    };

    [Theory]
    [MemberData(nameof(SmuggledAttachments))]
    public async Task A_smuggled_attachment_is_refused_and_nothing_is_stored(string how, string field)
    {
        var opened = await _cases.OpenAcceptedAsync("KAZ", "KGZ");
        var request = CaseTestKit.Rfi(opened.Id, "KGZ");
        request.Attachments.Add(how switch
        {
            "reversed name" => new Attachment { FileName = "Customs \u202Efdp.exe", ContentType = "application/pdf", Content = ByteString.CopyFromUtf8("%PDF-1.7 x") },
            "program as text" => new Attachment { FileName = "invoice.txt", ContentType = "text/plain", Content = ByteString.CopyFrom([(byte)'M', (byte)'Z', 0x90, 0, 3, 0]) },
            "text named pdf" => new Attachment { FileName = "invoice.pdf", ContentType = "text/plain", Content = ByteString.CopyFromUtf8("plain words") },
            _ => new Attachment { FileName = "notes.txt", ContentType = "text/plain", Content = ByteString.CopyFrom([0xC3, 0x28, 0xA0, 0xA1]) },
        });
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await (await _cases.AsAsync("liaison.kaz")).PostMessageAsync(request, cancellationToken: Ct));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains(field + ": ", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await hub.WithDbAsync(db => db.Set<Hub.Server.Cases.CaseMessageRecord>().CountAsync(m => m.CaseId == Guid.Parse(opened.Id), Ct)));
    }

    [Fact]
    public async Task A_crossing_point_with_nul_and_right_to_left_marks_is_refused()
    {
        var propose = DeliveryTestKit.Route("TJK", "KGZ");
        propose.Legs[1].EntryCrossingPoint = "Karamyk\0\u202E" + new string('x', 100);
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await (await _deliveries.AsAsync("TJK")).ProposeAsync(propose, cancellationToken: Ct));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.StartsWith("legs[1].entry_crossing_point: ", ex.Status.Detail, StringComparison.Ordinal);

        propose.Legs[1].EntryCrossingPoint = new string('K', 900_000 / 4);
        var big = await Assert.ThrowsAsync<RpcException>(async () => await (await _deliveries.AsAsync("TJK")).ProposeAsync(propose, cancellationToken: Ct));
        Assert.StartsWith("legs[1].entry_crossing_point: at most 200", big.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_display_name_with_zero_width_characters_is_refused()
    {
        var admin = new Admin.AdminClient(hub.CreateGrpcChannel(await hub.PersonTokenAsync("admin")));
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await admin.CreatePersonAsync(new CreatePersonRequest
        {
            UserName = "officer.zw", DisplayName = "Duty\u200B officer", Country = "KGZ", Password = "Hub-test-password-1", Roles = { "liaison_officer" },
        }, cancellationToken: Ct));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.StartsWith("display_name: ", ex.Status.Detail, StringComparison.Ordinal);
    }
}
