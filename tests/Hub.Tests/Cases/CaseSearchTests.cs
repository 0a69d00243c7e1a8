using Hub.Contracts.V1;

namespace Hub.Tests.Cases;

public sealed class CaseSearchTests(CaseSearchTests.Messages fixture) : IClassFixture<CaseSearchTests.Messages>
{
    private readonly CaseTestKit _kit = fixture.Kit;
    private readonly string _kazakhMessage = fixture.Kazakh;
    private readonly string _uzbekMessage = fixture.Uzbek;
    private readonly string _russianMessage = fixture.Russian;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<List<string>> SearchAs(string person, string query) =>
        [.. (await (await _kit.AsAsync(person)).SearchMessagesAsync(new SearchMessagesRequest { Query = query }, cancellationToken: Ct)).Messages.Select(m => m.Id)];

    /// <summary>KAZ–KGZ and UZB–TJK each exchange messages about heroin: overlapping words, disjoint readers.</summary>
    public sealed class Messages : IAsyncLifetime
    {
        private readonly HubFactory _hub = new();
        public CaseTestKit Kit { get; }
        public string Kazakh { get; private set; } = "";
        public string Uzbek { get; private set; } = "";
        public string Russian { get; private set; } = "";

        public Messages() => Kit = new CaseTestKit(_hub);

        public async ValueTask DisposeAsync() => await _hub.DisposeAsync();

    public async ValueTask InitializeAsync()
    {
        var _kit = Kit;
        var kazakhCase = await _kit.OpenAcceptedAsync("KAZ", "KGZ");
        var uzbekCase = await _kit.OpenAcceptedAsync("UZB", "TJK");
        var first = CaseTestKit.Rfi(kazakhCase.Id, "KGZ");
        first.Subject = "Heroin in onion trucks";
        first.Body = "Heroin hidden in a load of onions crossed at Korday.";
        Kazakh = (await (await _kit.AsAsync("liaison.kaz")).PostMessageAsync(first)).Id;
        var second = CaseTestKit.Rfi(uzbekCase.Id, "TJK");
        second.Subject = "Heroin on the Termez bridge";
        second.Body = "Heroin in a cotton truck from Termez.";
        Uzbek = (await (await _kit.AsAsync("liaison.uzb")).PostMessageAsync(second)).Id;
        var russian = CaseTestKit.Rfi(uzbekCase.Id, "TJK");
        russian.Subject = "Героин в грузовике";
        russian.Body = "Героин спрятан в хлопке.";
        russian.Language = "ru";
        Russian = (await (await _kit.AsAsync("liaison.uzb")).PostMessageAsync(russian)).Id;
    }

    }

    [Fact]
    public async Task Each_country_finds_only_what_it_may_see()
    {
        Assert.Equal([_kazakhMessage], await SearchAs("liaison.kaz", "heroin"));
        Assert.Equal([_kazakhMessage], await SearchAs("liaison.kgz", "heroin"));
        Assert.Equal([_uzbekMessage], await SearchAs("liaison.uzb", "heroin"));
        Assert.Equal([_uzbekMessage], await SearchAs("liaison.tjk", "HEROIN termez"));
        Assert.Empty(await SearchAs("liaison.rus", "heroin"));
        Assert.Equal(2, (await SearchAs("operator", "heroin")).Count);
    }

    [Fact]
    public async Task All_words_must_match_and_Russian_text_is_found()
    {
        Assert.Equal([_kazakhMessage], await SearchAs("operator", "heroin onions"));
        Assert.Empty(await SearchAs("operator", "heroin bananas"));
        Assert.Equal([_russianMessage], await SearchAs("liaison.tjk", "героин"));
        Assert.Equal([_russianMessage], await SearchAs("liaison.tjk", "ХЛОПКЕ"));
    }

    [Fact]
    public async Task Query_syntax_is_taken_literally()
    {
        // FTS operators are words like any other: no syntax error, and no match unless written.
        Assert.Empty(await SearchAs("operator", "NEAR(heroin onions)"));
        Assert.Equal([_kazakhMessage], await SearchAs("liaison.kaz", "\"heroin\" (onions)"));
    }
}
