using Hub.Contracts.V1;
using Microsoft.Playwright;

namespace Hub.SystemTests;

/// <summary>
/// Corrections, withdrawals and histories of case messages and of controlled deliveries'
/// details in the console, in a real browser: the recipient's copy replaced in place, the
/// withdrawn text gone from its page, and the sender changing its own record by the buttons.
/// </summary>
public sealed class ConsoleMessageRevisionsBrowserTests(Broker broker) : IAsyncLifetime
{
    private static readonly float Wait = ConsoleBrowser.Wait;
    private ConsoleBrowser? _browser;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ConsoleBrowser Browser => _browser!;

    public async ValueTask InitializeAsync() => _browser = await ConsoleBrowser.LaunchAsync();

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
    }

    private static async Task<Cases.CasesClient> CasesAsync(HubProcess node, string userName) => new(node.CreateChannel(await node.PersonTokenAsync(userName)));

    private static async Task<ControlledDeliveries.ControlledDeliveriesClient> DeliveriesAsync(HubProcess node, string userName) =>
        new(node.CreateChannel(await node.PersonTokenAsync(userName)));

    private static ILocator MessageItem(IPage page, string messageId) => page.Locator($"[data-testid=feed-item][data-message-id='{messageId}']");

    private static ILocator DeliveryCard(IPage page, string deliveryId) => page.Locator($"[data-testid=delivery][data-delivery-id='{deliveryId}']");

    /// <summary>A case KAZ opened and KGZ accepted, and KAZ's request for information to KGZ in it.</summary>
    private static async Task<CaseMessage> RequestToKyrgyzstanAsync(HubProcess node, string subject, string body)
    {
        var kazakh = await CasesAsync(node, "liaison.kaz");
        var kyrgyz = await CasesAsync(node, "liaison.kgz");
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var opened = await kazakh.OpenCaseAsync(new OpenCaseRequest
        {
            IdempotencyKey = "kaz-case-" + suffix, Title = "Heroin through Korday", OwnerCountry = "KAZ", InvitedCountries = { "KGZ" },
        }, cancellationToken: Ct);
        await kyrgyz.AcceptInvitationAsync(new CaseRef { CaseId = opened.Id }, cancellationToken: Ct);
        return await kazakh.PostMessageAsync(new PostMessageRequest
        {
            IdempotencyKey = "kaz-rfi-" + suffix, CaseId = opened.Id, Kind = MessageKind.RequestForInformation, Priority = MessagePriority.Urgent,
            Subject = subject, Body = body, Recipients = { "KGZ" }, Distribution = Distribution.Addressed, HandlingCode = HandlingCode.H2,
            Evaluation = new Evaluation { Source = SourceReliability.B, Information = InformationReliability._2 }, Language = "en",
        }, cancellationToken: Ct);
    }

    [Fact]
    public async Task The_recipient_sees_a_message_corrected_in_place_and_loses_its_text_when_withdrawn()
    {
        Browser.Require();
        await using var node = await HubProcess.StartAsync(broker.HubUri);
        var kyrgyz = await Browser.SignInAsync(node, "liaison.kgz");
        var message = await RequestToKyrgyzstanAsync(node, "Owner of truck 01KG123ABC", "Please tell us who owns the truck that crossed at Ak-Zhol.");
        var item = MessageItem(kyrgyz, message.Id);
        await Assertions.Expect(item).ToContainTextAsync("crossed at Ak-Zhol", new() { Timeout = Wait });
        await Assertions.Expect(item.Locator("[data-testid=badge-corrected]")).ToHaveCountAsync(0);

        var kazakh = await CasesAsync(node, "liaison.kaz");
        var corrected = await kazakh.CorrectMessageAsync(new CorrectMessageRequest
        {
            MessageId = message.Id, ExpectedVersion = message.Version, Reason = "Wrong crossing point",
            Subject = message.Subject, Body = "Please tell us who owns the truck that crossed at Karamyk.",
        }, cancellationToken: Ct);
        Assert.Equal(2, corrected.Version);
        await Assertions.Expect(item.Locator("[data-testid=badge-corrected]")).ToContainTextAsync("v2", new() { Timeout = Wait });
        await Assertions.Expect(item).ToContainTextAsync("crossed at Karamyk");
        await Assertions.Expect(item).Not.ToContainTextAsync("crossed at Ak-Zhol");
        // Replaced in place, not added as a second entry.
        await Assertions.Expect(item).ToHaveCountAsync(1);

        await kazakh.WithdrawMessageAsync(new WithdrawMessageRequest { MessageId = message.Id, Reason = "The source must be protected" }, cancellationToken: Ct);
        await Assertions.Expect(item.Locator("[data-testid=badge-withdrawn]")).ToBeVisibleAsync(new() { Timeout = Wait });
        await Assertions.Expect(item).ToHaveAttributeAsync("data-withdrawn", "WITHDRAWAL_CAUSE_ORIGINATOR");
        await Assertions.Expect(item.Locator("[data-testid=withdrawal]")).ToContainTextAsync("The source must be protected");
        await Assertions.Expect(item.Locator("[data-testid=content-withheld]")).ToBeVisibleAsync();
        await Assertions.Expect(kyrgyz.Locator("body")).Not.ToContainTextAsync("crossed at Karamyk");
        await Assertions.Expect(kyrgyz.Locator("body")).Not.ToContainTextAsync("crossed at Ak-Zhol");
        // Not the sender: nothing to change.
        await Assertions.Expect(item.Locator("[data-testid=message-correct]")).ToHaveCountAsync(0);
        await Assertions.Expect(item.Locator("[data-testid=message-withdraw]")).ToHaveCountAsync(0);

        await kyrgyz.Locator("select#language").SelectOptionAsync("ru");
        await Assertions.Expect(item.Locator("[data-testid=badge-withdrawn]")).ToHaveTextAsync("отозвано");
        await Assertions.Expect(item.Locator("[data-testid=content-withheld]")).ToHaveTextAsync("Содержание этого сообщения вам недоступно.");
        await kyrgyz.Locator("select#language").SelectOptionAsync("en");

        // After a reload the messages come from the lists: still withdrawn, still without text.
        await kyrgyz.ReloadAsync();
        await ConsoleBrowser.WaitConnectedAsync(kyrgyz);
        await Assertions.Expect(item.Locator("[data-testid=badge-withdrawn]")).ToBeVisibleAsync(new() { Timeout = Wait });
        await Assertions.Expect(kyrgyz.Locator("body")).Not.ToContainTextAsync("crossed at Karamyk");
    }

    [Fact]
    public async Task The_sender_corrects_its_message_in_the_console_sees_its_history_and_withdraws_it()
    {
        Browser.Require();
        await using var node = await HubProcess.StartAsync(broker.HubUri);
        var officer = await Browser.SignInAsync(node, "liaison.kaz");
        var message = await RequestToKyrgyzstanAsync(node, "Owner of truck 01KG123ABC", "Please tell us who owns the truck.");
        var item = MessageItem(officer, message.Id);
        await Assertions.Expect(item).ToBeVisibleAsync(new() { Timeout = Wait });

        await item.Locator("[data-testid=message-correct]").ClickAsync();
        var form = officer.Locator("form[data-testid=message-correct-form]");
        await Assertions.Expect(form.Locator("[name=subject]")).ToHaveValueAsync("Owner of truck 01KG123ABC");
        await Assertions.Expect(form.Locator("[name=body]")).ToHaveValueAsync("Please tell us who owns the truck.");
        await form.Locator("[name=body]").FillAsync("Please tell us who owns the truck and its trailer.");

        // No reason: the hub refuses, and says so next to the reason field.
        await form.Locator("[data-testid=message-correct-form-submit]").ClickAsync();
        await Assertions.Expect(form.Locator("[data-error-for='reason']")).Not.ToBeEmptyAsync(new() { Timeout = Wait });
        await Assertions.Expect(form.Locator("[name=reason]")).ToHaveAttributeAsync("aria-invalid", "true");

        await form.Locator("[name=reason]").FillAsync("The trailer too");
        await form.Locator("[data-testid=message-correct-form-submit]").ClickAsync();
        await Assertions.Expect(item.Locator("[data-testid=badge-corrected]")).ToContainTextAsync("v2", new() { Timeout = Wait });
        await Assertions.Expect(item).ToContainTextAsync("and its trailer");

        await item.Locator("[data-testid=message-history]").ClickAsync();
        var versions = officer.Locator("[data-testid=history-version]");
        await Assertions.Expect(versions).ToHaveCountAsync(2, new() { Timeout = Wait });
        await Assertions.Expect(versions.First).ToHaveAttributeAsync("data-version", "2");
        await Assertions.Expect(versions.First).ToContainTextAsync("The trailer too");
        await Assertions.Expect(versions.First).ToContainTextAsync("and its trailer");
        await Assertions.Expect(versions.Last).ToContainTextAsync("Please tell us who owns the truck.");
        await Assertions.Expect(officer.Locator("[data-testid=history-dialog]")).Not.ToContainTextAsync("null");
        await officer.Locator("[data-testid=dialog-close]").ClickAsync();

        // A correction from a version a colleague has moved on from is refused, visibly.
        await item.Locator("[data-testid=message-correct]").ClickAsync();
        await form.Locator("[name=reason]").FillAsync("Late");
        var kazakh = await CasesAsync(node, "liaison.kaz");
        await kazakh.CorrectMessageAsync(new CorrectMessageRequest
        {
            MessageId = message.Id, ExpectedVersion = 2, Reason = "Colleague's correction", Subject = message.Subject, Body = "Corrected meanwhile by a colleague.",
        }, cancellationToken: Ct);
        await form.Locator("[data-testid=message-correct-form-submit]").ClickAsync();
        var errors = form.Locator("[data-testid=form-errors]");
        await Assertions.Expect(errors).ToBeVisibleAsync(new() { Timeout = Wait });
        await Assertions.Expect(errors).ToContainTextAsync("version");
        await officer.Locator("[data-testid=dialog-close]").ClickAsync();
        await Assertions.Expect(item.Locator("[data-testid=badge-corrected]")).ToContainTextAsync("v3", new() { Timeout = Wait });

        await item.Locator("[data-testid=message-withdraw]").ClickAsync();
        var withdraw = officer.Locator("form[data-testid=withdraw-form]");
        await Assertions.Expect(withdraw.Locator("[name=legalBasis]")).ToHaveCountAsync(0);
        await withdraw.Locator("[name=reason]").FillAsync("Posted by mistake");
        await withdraw.Locator("[data-testid=withdraw-form-submit]").ClickAsync();
        await Assertions.Expect(item.Locator("[data-testid=badge-withdrawn]")).ToBeVisibleAsync(new() { Timeout = Wait });
        await Assertions.Expect(item.Locator("[data-testid=withdrawal]")).ToContainTextAsync("Posted by mistake");
        await Assertions.Expect(item.Locator("[data-testid=message-withdraw]")).ToHaveCountAsync(0);
        await Assertions.Expect(item.Locator("[data-testid=message-correct]")).ToHaveCountAsync(0);
        var after = await kazakh.GetMessageAsync(new MessageRef { MessageId = message.Id }, cancellationToken: Ct);
        Assert.Equal(WithdrawalCause.Originator, after.Withdrawal.Cause);
        Assert.Equal("Posted by mistake", after.Withdrawal.Reason);
    }

    private static ProposeDeliveryRequest Apricots(string title) => new()
    {
        IdempotencyKey = "cd-rev-" + Guid.NewGuid().ToString("N")[..12], InitiatingCountry = "TJK", Title = title,
        Consignment = { new SeizedItem { Substance = Substance.Heroin, Quantity = 42, Unit = QuantityUnit.Kg } }, HandlingCode = HandlingCode.H2,
        Suspects = "Two drivers from Khujand",
        Legs =
        {
            new RouteLeg { Country = "TJK", ExitCrossingPoint = "Karamyk" },
            new RouteLeg { Country = "KGZ", EntryCrossingPoint = "Karamyk", ExitCrossingPoint = "Ak-Zhol" },
            new RouteLeg { Country = "KAZ", EntryCrossingPoint = "Korday" },
        },
    };

    [Fact]
    public async Task The_initiator_corrects_and_withdraws_a_delivery_the_centre_keeps_its_details_and_a_route_country_loses_them()
    {
        Browser.Require();
        await using var node = await HubProcess.StartAsync(broker.HubUri);
        var operatorPage = await Browser.SignInAsync(node, "operator");
        var tajik = await Browser.SignInAsync(node, "liaison.tjk");
        var kyrgyz = await Browser.SignInAsync(node, "liaison.kgz");
        var tjk = await DeliveriesAsync(node, "liaison.tjk");
        var d = await tjk.ProposeAsync(Apricots("Heroin in dried apricots"), cancellationToken: Ct);
        foreach (var page in new[] { operatorPage, tajik, kyrgyz })
        {
            await page.Locator("[data-testid=nav-deliveries]").ClickAsync();
            await Assertions.Expect(DeliveryCard(page, d.Id)).ToContainTextAsync("Heroin in dried apricots", new() { Timeout = Wait });
        }
        await Assertions.Expect(DeliveryCard(kyrgyz, d.Id).Locator("[data-testid=delivery-correct]")).ToHaveCountAsync(0);

        var card = DeliveryCard(tajik, d.Id);
        await card.Locator("[data-testid=delivery-correct]").ClickAsync();
        var form = tajik.Locator("form[data-testid=delivery-correct-form]");
        await Assertions.Expect(form.Locator("[name=title]")).ToHaveValueAsync("Heroin in dried apricots");
        await Assertions.Expect(form.Locator("[name=quantity]")).ToHaveValueAsync("42");
        await form.Locator("[name=title]").FillAsync("Heroin in dried figs");
        await form.Locator("[name=quantity]").FillAsync("48.5");
        await form.Locator("[name=suspects]").FillAsync("Three drivers from Khujand");
        await form.Locator("[data-testid=delivery-correct-form-submit]").ClickAsync();
        await Assertions.Expect(form.Locator("[data-error-for='reason']")).Not.ToBeEmptyAsync(new() { Timeout = Wait });
        await form.Locator("[name=reason]").FillAsync("Weighed again at the border");
        await form.Locator("[data-testid=delivery-correct-form-submit]").ClickAsync();
        await Assertions.Expect(card.Locator("[data-testid=badge-corrected]")).ToContainTextAsync("v2", new() { Timeout = Wait });
        await Assertions.Expect(card).ToContainTextAsync("Heroin in dried figs");
        var operatorCard = DeliveryCard(operatorPage, d.Id);
        await Assertions.Expect(operatorCard.Locator("[data-testid=badge-corrected]")).ToContainTextAsync("v2", new() { Timeout = Wait });
        await Assertions.Expect(operatorCard).ToContainTextAsync("Heroin in dried figs");
        await Assertions.Expect(operatorCard).ToContainTextAsync("48.5 kg Heroin");
        await Assertions.Expect(operatorCard).ToContainTextAsync("Three drivers from Khujand");

        await card.Locator("[data-testid=delivery-history]").ClickAsync();
        var versions = tajik.Locator("[data-testid=history-version]");
        await Assertions.Expect(versions).ToHaveCountAsync(2, new() { Timeout = Wait });
        await Assertions.Expect(versions.First).ToContainTextAsync("Weighed again at the border");
        await Assertions.Expect(versions.Last).ToContainTextAsync("Heroin in dried apricots");
        await tajik.Locator("[data-testid=dialog-close]").ClickAsync();

        // Withdrawn while PROPOSED: the centre keeps the details, the route countries do not.
        await card.Locator("[data-testid=delivery-withdraw]").ClickAsync();
        var withdraw = tajik.Locator("form[data-testid=withdraw-form]");
        await Assertions.Expect(withdraw.Locator("[name=legalBasis]")).ToHaveCountAsync(0);
        await withdraw.Locator("[name=reason]").FillAsync("The operation is called off");
        await withdraw.Locator("[data-testid=withdraw-form-submit]").ClickAsync();
        await Assertions.Expect(card.Locator("[data-testid=badge-withdrawn]")).ToBeVisibleAsync(new() { Timeout = Wait });
        await Assertions.Expect(operatorCard.Locator("[data-testid=badge-withdrawn]")).ToBeVisibleAsync(new() { Timeout = Wait });
        await Assertions.Expect(operatorCard).ToContainTextAsync("Heroin in dried figs");
        await Assertions.Expect(operatorCard).ToContainTextAsync("48.5 kg Heroin");
        var kyrgyzCard = DeliveryCard(kyrgyz, d.Id);
        await Assertions.Expect(kyrgyzCard.Locator("[data-testid=badge-withdrawn]")).ToBeVisibleAsync(new() { Timeout = Wait });
        await Assertions.Expect(kyrgyzCard.Locator("[data-testid=withdrawal]")).ToContainTextAsync("The operation is called off");
        await Assertions.Expect(kyrgyzCard.Locator("[data-testid=content-withheld]")).ToBeVisibleAsync();
        await Assertions.Expect(kyrgyz.Locator("body")).Not.ToContainTextAsync("dried figs");
        await Assertions.Expect(kyrgyz.Locator("body")).Not.ToContainTextAsync("dried apricots");
        await Assertions.Expect(kyrgyzCard).Not.ToContainTextAsync("Heroin");
        await Assertions.Expect(kyrgyzCard).Not.ToContainTextAsync("Khujand");
    }

    [Fact]
    public async Task Withdrawing_an_active_delivery_is_refused_and_the_console_says_why()
    {
        Browser.Require();
        await using var node = await HubProcess.StartAsync(broker.HubUri);
        var tajik = await Browser.SignInAsync(node, "liaison.tjk");
        var tjk = await DeliveriesAsync(node, "liaison.tjk");
        var d = await tjk.ProposeAsync(Apricots("Heroin in melons"), cancellationToken: Ct);
        foreach (var country in new[] { "kgz", "kaz" })
        {
            await (await DeliveriesAsync(node, "liaison." + country)).RespondAsync(new RespondRequest { DeliveryId = d.Id, Accept = true }, cancellationToken: Ct);
        }
        await tjk.StartAsync(new DeliveryRef { DeliveryId = d.Id }, cancellationToken: Ct);

        await tajik.Locator("[data-testid=nav-deliveries]").ClickAsync();
        var card = DeliveryCard(tajik, d.Id);
        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "DELIVERY_STATE_ACTIVE", new() { Timeout = Wait });
        await card.Locator("[data-testid=delivery-withdraw]").ClickAsync();
        var withdraw = tajik.Locator("form[data-testid=withdraw-form]");
        await withdraw.Locator("[name=reason]").FillAsync("Called off");
        await withdraw.Locator("[data-testid=withdraw-form-submit]").ClickAsync();
        var errors = withdraw.Locator("[data-testid=form-errors]");
        await Assertions.Expect(errors).ToBeVisibleAsync(new() { Timeout = Wait });
        await Assertions.Expect(errors).Not.ToBeEmptyAsync();
        await tajik.Locator("[data-testid=dialog-close]").ClickAsync();
        await Assertions.Expect(card.Locator("[data-testid=badge-withdrawn]")).ToHaveCountAsync(0);
        Assert.Null((await tjk.GetAsync(new DeliveryRef { DeliveryId = d.Id }, cancellationToken: Ct)).Withdrawal);
    }
}
