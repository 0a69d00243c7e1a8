using Google.Protobuf;
using Hub.Contracts.V1;

namespace Hub.Tests.Cases;

/// <summary>Clients for each country's liaison officer, and well-formed requests to vary.</summary>
public sealed class CaseTestKit(HubFactory hub)
{
    private readonly Dictionary<string, Contracts.V1.Cases.CasesClient> _clients = [];

    public async Task<Contracts.V1.Cases.CasesClient> AsAsync(string person)
    {
        if (!_clients.TryGetValue(person, out var client))
        {
            client = new Contracts.V1.Cases.CasesClient(hub.CreateGrpcChannel(await hub.PersonTokenAsync(person)));
            _clients[person] = client;
        }
        return client;
    }

    public static string Key() => "key-" + Guid.NewGuid().ToString("N")[..20];

    /// <summary>A case owned by <paramref name="owner"/> with the others invited and accepted.</summary>
    public async Task<Case> OpenAcceptedAsync(string owner, params string[] participants)
    {
        var request = new OpenCaseRequest { IdempotencyKey = Key(), Title = $"Heroin route via {owner}", OwnerCountry = owner };
        request.InvitedCountries.Add(participants);
        var opened = await (await AsAsync($"liaison.{owner.ToLowerInvariant()}")).OpenCaseAsync(request);
        foreach (var country in participants)
        {
            await (await AsAsync($"liaison.{country.ToLowerInvariant()}")).AcceptInvitationAsync(new CaseRef { CaseId = opened.Id });
        }
        return opened;
    }

    public static PostMessageRequest Rfi(string caseId, params string[] recipients)
    {
        var request = new PostMessageRequest
        {
            IdempotencyKey = Key(),
            CaseId = caseId,
            Kind = MessageKind.RequestForInformation,
            Priority = MessagePriority.Urgent,
            Subject = "Truck 01KG123ABC: owner and previous crossings",
            Body = "Please provide the registered owner of truck 01KG123ABC and its crossings at Korday since January.",
            Distribution = Distribution.Addressed,
            HandlingCode = HandlingCode.H2,
            Evaluation = new Evaluation { Source = SourceReliability.B, Information = InformationReliability._2 },
            Language = "en",
        };
        request.Recipients.Add(recipients);
        return request;
    }

    public static Attachment Pdf(int size = 1024)
    {
        var bytes = new byte[size];
        "%PDF-1.7\n"u8.CopyTo(bytes);
        return new Attachment { FileName = "crossings.pdf", ContentType = "application/pdf", Content = ByteString.CopyFrom(bytes) };
    }
}
