using Hub.Server;
using Microsoft.EntityFrameworkCore;
using Hub.Server.Data;

var builder = WebApplication.CreateBuilder(args);
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
