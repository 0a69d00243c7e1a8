using Hub.Server;
using Hub.Server.Data;

// `Hub.Server match-names` compares names from CSV (Matching/Names/MatchNamesCommand.cs): it
// needs neither the database nor the configuration, so it runs before the host is built.
if (Hub.Server.Matching.Names.MatchNamesCommand.Handles(args))
{
    return await Hub.Server.Matching.Names.MatchNamesCommand.RunAsync(Console.In, Console.Out, Console.Error);
}

// The application's own folder is the content root wherever the hub is started from: the
// README's production commands start it from the repository root, and without this
// appsettings.json and the console's files were not found.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddHub();
var app = builder.Build();

// `Hub.Server migrate` applies the migrations, seeds the directory and builds the statistics' cells, then exits: the
// production way to upgrade a SQL Server database before starting the new version.
if (args.Length > 0 && args[0] == "migrate")
{
    await using var scope = app.Services.CreateAsyncScope();
    var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
    await DatabaseInitializer.RunAsync(db, CancellationToken.None);
    // The statistics' cells too, before any node serves (a started node would build them in the background).
    var cells = scope.ServiceProvider.GetRequiredService<Hub.Server.Statistics.StatisticsCells>();
    await Hub.Server.Statistics.SeizureCellsBuilder.PrepareAsync(db, cells, CancellationToken.None);
    if (cells.Generation is null)
    {
        await scope.ServiceProvider.GetRequiredService<Hub.Server.Statistics.SeizureCellsBuilder>().BuildAsync(CancellationToken.None);
    }
    return 0;
}

// `Hub.Server bootstrap-admin <user name>` creates a real deployment's first admin with a
// generated password shown once; it refuses when an admin exists.
if (args.Length > 0 && args[0] == "bootstrap-admin")
{
    return await Hub.Server.Admin.BootstrapAdmin.RunAsync(app.Services, args.Skip(1).ToArray(), Console.Out, Console.Error);
}

// `Hub.Server audit-verify` and `audit-checkpoint` (Audit/AuditCommands.cs).
if (Hub.Server.Audit.AuditCommands.Handles(args))
{
    return await Hub.Server.Audit.AuditCommands.RunAsync(app.Services, args, Console.Out, Console.Error);
}

app.MapHub();
await app.RunAsync();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
