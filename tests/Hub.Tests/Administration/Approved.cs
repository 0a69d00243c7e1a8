using Hub.Contracts.V1;

namespace Hub.Tests.Administration;

/// <summary>
/// Accounts as tests need them ready: asked for by <c>admin</c>, approved by <c>admin2</c>
/// (four eyes, issue 13). FourEyesTests proves that neither step alone is enough.
/// </summary>
internal static class Approved
{
    public static async Task<Person> CreatePersonAsync(HubFactory hub, CreatePersonRequest request, CancellationToken ct)
    {
        await (await AdminAsync(hub, "admin")).CreatePersonAsync(request, cancellationToken: ct);
        return await (await AdminAsync(hub, "admin2")).ApprovePersonAsync(new ApprovePersonRequest { UserName = request.UserName }, cancellationToken: ct);
    }

    public static async Task<CreateAgencyClientResponse> CreateAgencyClientAsync(HubFactory hub, CreateAgencyClientRequest request, CancellationToken ct)
    {
        var created = await (await AdminAsync(hub, "admin")).CreateAgencyClientAsync(request, cancellationToken: ct);
        created.Client = await (await AdminAsync(hub, "admin2")).ApproveAgencyClientAsync(new ApproveAgencyClientRequest { ClientId = request.ClientId }, cancellationToken: ct);
        return created;
    }

    public static async Task<Admin.AdminClient> AdminAsync(HubFactory hub, string admin) =>
        new(hub.CreateGrpcChannel(await hub.PersonTokenAsync(admin)));
}
