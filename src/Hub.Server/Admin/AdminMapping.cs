using Hub.Server.Identity;
using Entity = Hub.Server.Countries;
using Wire = Hub.Contracts.V1;

namespace Hub.Server.Admin;

internal static class AdminMapping
{
    public static Wire.Person ToPerson(HubUser user, IEnumerable<string> roles)
    {
        var person = new Wire.Person
        {
            Id = user.Id,
            UserName = user.UserName ?? "",
            DisplayName = user.DisplayName,
            Country = user.Country,
            Disabled = user.IsDisabled,
            AwaitingApproval = user.ApprovalRequestedBy is not null,
            RequestedBy = user.ApprovalRequestedBy ?? "",
        };
        person.Roles.AddRange(roles.Order(StringComparer.Ordinal));
        return person;
    }

    public static Wire.Participant ToWire(Entity.Country c) => new()
    {
        Code = c.Code,
        Name = c.Name,
        Organisation = c.Kind == Entity.ParticipantKind.Organisation,
        Status = c.Status switch
        {
            Entity.CountryStatus.Member => Wire.ParticipantStatus.Member,
            Entity.CountryStatus.Observer => Wire.ParticipantStatus.Observer,
            _ => Wire.ParticipantStatus.Applicant,
        },
        Note = c.Note ?? "",
    };
}
