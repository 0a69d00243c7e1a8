using Microsoft.AspNetCore.Identity;

namespace Hub.Server.Identity;

/// <summary>A person who signs in to the hub. Roles are ASP.NET Core Identity roles.</summary>
public sealed class HubUser : IdentityUser
{
    /// <summary>The country (ISO alpha-3) or organisation the person works for; CARICC for the centre's staff.</summary>
    public string Country { get; set; } = "";
    public string DisplayName { get; set; } = "";
    /// <summary>A disabled person cannot sign in, and tokens issued earlier stop working.</summary>
    public bool IsDisabled { get; set; }
    /// <summary>
    /// While the account awaits a second admin's approval: the subject of the admin who asked
    /// for it (four eyes). Such an account is also disabled, so every check that refuses a
    /// disabled person refuses it; approval clears both.
    /// </summary>
    [System.ComponentModel.DataAnnotations.MaxLength(450)]
    public string? ApprovalRequestedBy { get; set; }
}
