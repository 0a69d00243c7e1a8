using Hub.Server;
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
    return;
}

app.MapHub();
await app.RunAsync();

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
