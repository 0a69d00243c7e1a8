using Hub.Server;
using Microsoft.EntityFrameworkCore;
using Hub.Server.Data;

// The application's own folder is the content root wherever the hub is started from: the
// README's production commands start it from the repository root, and without this
// appsettings.json and the console's files were not found.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddHub();
var app = builder.Build();

// `Hub.Server migrate` applies the migrations and seeds the directory, then exits: the
// production way to upgrade a SQL Server database before starting the new version.
if (args.Length > 0 && args[0] == "migrate")
{
    await using var scope = app.Services.CreateAsyncScope();
    await DatabaseInitializer.RunAsync(scope.ServiceProvider.GetRequiredService<HubDbContext>(), CancellationToken.None);
    return 0;
}

// `Hub.Server bootstrap-admin <user name>` creates a real deployment's first admin with a
// generated password shown once; it refuses when an admin exists.
if (args.Length > 0 && args[0] == "bootstrap-admin")
{
    return await Hub.Server.Admin.BootstrapAdmin.RunAsync(app.Services, args.Skip(1).ToArray(), Console.Out, Console.Error);
}

// `Hub.Server audit-verify` recomputes the audit trail's hash chain: exit code 0 when it
// holds, 1 naming the first broken entry otherwise.
if (args.Length > 0 && args[0] == "audit-verify")
{
    await using var scope = app.Services.CreateAsyncScope();
    var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
    if ((await db.Database.GetPendingMigrationsAsync()).Any())
    {
        Console.Error.WriteLine("the database is not initialised (pending migrations): point Hub__DataDirectory or ConnectionStrings__Hub at the hub's database");
        return 2;
    }
    var result = await Hub.Server.Audit.AuditChain.VerifyAsync(db, CancellationToken.None);
    Console.WriteLine(result.Intact
        ? $"audit trail intact: {result.EntriesChecked} entries"
        : $"audit trail BROKEN at entry {result.FirstBrokenSequence}: {result.Reason} ({result.EntriesChecked} entries hold before it)");
    return result.Intact ? 0 : 1;
}

app.MapHub();
await app.RunAsync();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
