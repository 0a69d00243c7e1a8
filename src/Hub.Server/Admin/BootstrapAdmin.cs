using System.Security.Cryptography;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Data;
using Hub.Server.ErrorHandling;
using Hub.Server.Identity;
using Hub.Server.Records;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Admin;

/// <summary>
/// <c>Hub.Server bootstrap-admin &lt;user name&gt;</c>: the first admin of a real deployment,
/// where no development account exists. The password is generated and printed once (the
/// admin changes it at first use); the account is made through the record pipeline, so it is
/// audited like any other. Four eyes need two admins, and every account an admin asks for
/// awaits another's approval, so the server's console makes the first two (run it twice):
/// only while fewer than two active admins exist, decided inside the commit.
/// </summary>
public static class BootstrapAdmin
{
    public const string Action = "person.bootstrap-admin";

    /// <summary>Admins the console may make: enough for one to approve what the other asks.</summary>
    public const int Admins = 2;

    /// <summary>Who makes the account: the operator at the server's console, not a token.</summary>
    private static readonly Caller Console = new("bootstrap-admin", null, "server console", CentreCountry.Code, new HashSet<string> { Roles.Admin });

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length != 1 || !System.Text.RegularExpressions.Regex.IsMatch(args[0], "^[a-z0-9._-]{3,64}$"))
        {
            await error.WriteLineAsync("usage: Hub.Server bootstrap-admin <user name: 3 to 64 characters from a-z 0-9 . _ ->");
            return 2;
        }
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        if (db.Database.IsSqlite())
        {
            await DatabaseInitializer.RunAsync(db, CancellationToken.None);
        }
        else if ((await db.Database.GetPendingMigrationsAsync()).Any())
        {
            await error.WriteLineAsync("the database lacks migrations: run `Hub.Server migrate` first");
            return 2;
        }
        var users = scope.ServiceProvider.GetRequiredService<UserManager<HubUser>>();
        var password = GeneratePassword();
        var request = new CreatePersonRequest { UserName = args[0], DisplayName = "Administrator", Country = CentreCountry.Code, Roles = { Roles.Admin } };
        var user = new HubUser
        {
            UserName = request.UserName,
            NormalizedUserName = users.NormalizeName(request.UserName),
            DisplayName = request.DisplayName,
            Country = CentreCountry.Code,
            LockoutEnabled = true,
            SecurityStamp = Guid.NewGuid().ToString("N"),
        };
        user.PasswordHash = users.PasswordHasher.HashPassword(user, password);
        try
        {
            var pipeline = scope.ServiceProvider.GetRequiredService<RecordPipeline>();
            await pipeline.WriteAsync(Console, new Change(request, user, users.KeyNormalizer), CancellationToken.None, Channels.System);
        }
        catch (HubException refused)
        {
            await error.WriteLineAsync("bootstrap-admin refused: " + refused.Message);
            return 1;
        }
        await output.WriteLineAsync($"admin {request.UserName} created; password (shown once, change it): {password}");
        return 0;
    }

    // 24 characters from an alphabet without look-alikes: ~137 bits, typed by hand once.
    private static string GeneratePassword()
    {
        const string alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return "Hub-" + RandomNumberGenerator.GetString(alphabet, 24);
    }

    private sealed class Change(CreatePersonRequest request, HubUser prepared, ILookupNormalizer normalizer) : RecordChange<Person>
    {
        private readonly CreatePersonChange _create = new(Console, request, prepared, normalizer);
        public override string Action => BootstrapAdmin.Action;
        public override string RecordType => "person";

        public override Func<Person> Apply(RecordContext context)
        {
            var admin = normalizer.NormalizeName(Roles.Admin);
            var admins = from ur in context.Db.UserRoles
                         join r in context.Db.Roles on ur.RoleId equals r.Id
                         join u in context.Db.Users on ur.UserId equals u.Id
                         where r.NormalizedName == admin && !u.IsDisabled
                         select u.Id;
            if (admins.Count() >= Admins)
            {
                throw HubException.FailedPrecondition("user_name", $"{Admins} admins exist already: admins ask for further accounts and approve each other's").For(Action);
            }
            return _create.Create(context);
        }
    }
}
