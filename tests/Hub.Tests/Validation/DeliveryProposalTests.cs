using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Hub.Contracts.V1;
using Hub.Server.Deliveries;
using Hub.Tests.Cases;
using Hub.Tests.Deliveries;
using Microsoft.EntityFrameworkCore;

namespace Hub.Tests.Validation;

/// <summary>
/// A delivery proposal is checked as fully as an alert (issue 13): identifiers, quantities,
/// both crossing points, the legs' times, and a linked case the caller may see. Each refusal
/// names its field and stores nothing.
/// </summary>
public sealed class DeliveryProposalTests(HubFactory hub) : IClassFixture<HubFactory>
{
    private readonly DeliveryTestKit _deliveries = new(hub);
    private readonly CaseTestKit _cases = new(hub);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Timestamp In(TimeSpan from) => Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow + from);

    public static TheoryData<string, string> BadProposals() => new()
    {
        { "identifier kind missing", "identifiers[0].kind: required" },
        { "identifier kind unknown", "identifiers[0].kind: unknown value 99" },
        { "identifier value empty", "identifiers[0].value: required" },
        { "identifier value right-to-left", "identifiers[0].value: " },
        { "quantity 1e308", "consignment[0].quantity: " },
        { "exit crossing with NUL", "legs[0].exit_crossing_point: " },
        { "entry time unreadable", "legs[1].expected_entry_at: seconds " },
        { "exit before entry", "legs[1].expected_exit_at: before the expected entry" },
        { "legs out of order", "legs[1].expected_entry_at: before the previous leg's expected exit" },
        { "ten years ahead", "legs[0].expected_entry_at: " },
        { "a month ago", "legs[0].expected_exit_at: " },
    };

    [Theory]
    [MemberData(nameof(BadProposals))]
    public async Task A_bad_proposal_is_refused_naming_the_field_and_nothing_is_stored(string what, string expected)
    {
        var propose = DeliveryTestKit.Route("TJK", "KGZ");
        switch (what)
        {
            case "identifier kind missing": propose.Identifiers[0].Kind = IdentifierKind.Unspecified; break;
            case "identifier kind unknown": propose.Identifiers[0].Kind = (IdentifierKind)99; break;
            case "identifier value empty": propose.Identifiers[0].Value = ""; break;
            case "identifier value right-to-left": propose.Identifiers[0].Value = "0123\u202ETJ01"; break;
            case "quantity 1e308": propose.Consignment[0].Quantity = 1e308; break;
            case "exit crossing with NUL": propose.Legs[0].ExitCrossingPoint = "Dusti\0"; break;
            case "entry time unreadable": propose.Legs[1].ExpectedEntryAt = new Timestamp { Seconds = long.MaxValue }; break;
            case "exit before entry": propose.Legs[1].ExpectedExitAt = propose.Legs[1].ExpectedEntryAt.Clone(); propose.Legs[1].ExpectedExitAt.Seconds -= 3600; break;
            case "legs out of order": propose.Legs[1].ExpectedEntryAt = propose.Legs[0].ExpectedEntryAt.Clone(); break;
            case "ten years ahead": propose.Legs[0].ExpectedEntryAt = In(TimeSpan.FromDays(3650)); break;
            case "a month ago": propose.Legs[0].ExpectedEntryAt = In(TimeSpan.FromDays(-31)); propose.Legs[0].ExpectedExitAt = In(TimeSpan.FromDays(-30)); break;
            default: throw new ArgumentOutOfRangeException(nameof(what));
        }
        var before = await hub.WithDbAsync(db => db.Set<DeliveryRecord>().CountAsync(Ct));

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await (await _deliveries.AsAsync("TJK")).ProposeAsync(propose, cancellationToken: Ct));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains(expected, ex.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, await hub.WithDbAsync(db => db.Set<DeliveryRecord>().CountAsync(Ct)));
    }

    [Fact]
    public async Task A_case_the_proposer_cannot_see_is_not_found_exactly_like_one_that_does_not_exist()
    {
        var others = await _cases.OpenAcceptedAsync("KAZ", "RUS");
        var own = await _cases.OpenAcceptedAsync("TJK", "KGZ");
        var tajik = await _deliveries.AsAsync("TJK");
        var before = await hub.WithDbAsync(db => db.Set<DeliveryRecord>().CountAsync(Ct));

        var hidden = DeliveryTestKit.Route("TJK", "KGZ");
        hidden.CaseId = others.Id;
        var notThere = DeliveryTestKit.Route("TJK", "KGZ");
        notThere.CaseId = Guid.NewGuid().ToString();
        var a = await Assert.ThrowsAsync<RpcException>(async () => await tajik.ProposeAsync(hidden, cancellationToken: Ct));
        var b = await Assert.ThrowsAsync<RpcException>(async () => await tajik.ProposeAsync(notThere, cancellationToken: Ct));

        Assert.Equal(StatusCode.NotFound, a.StatusCode);
        Assert.Equal(StatusCode.NotFound, b.StatusCode);
        Assert.Equal(a.Status.Detail.Replace(others.Id, "ID", StringComparison.Ordinal), b.Status.Detail.Replace(notThere.CaseId, "ID", StringComparison.Ordinal));
        Assert.Equal(before, await hub.WithDbAsync(db => db.Set<DeliveryRecord>().CountAsync(Ct)));

        var linked = DeliveryTestKit.Route("TJK", "KGZ");
        linked.CaseId = own.Id;
        Assert.Equal(own.Id, (await tajik.ProposeAsync(linked, cancellationToken: Ct)).CaseId);
    }
}
