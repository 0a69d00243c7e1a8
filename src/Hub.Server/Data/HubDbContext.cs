using Hub.Server.Alerts;
using Hub.Server.Countries;
using Hub.Server.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Data;

/// <summary>
/// The hub's one model. Each database provider has its own subclass so that each keeps
/// its own migrations (SQLite and SQL Server differ in types and identity columns).
/// </summary>
public abstract class HubDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Country> Countries => Set<Country>();
    public DbSet<AlertRecord> Alerts => Set<AlertRecord>();
    public DbSet<AlertItemRecord> AlertItems => Set<AlertItemRecord>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(HubDbContext).Assembly);
    }
}

public sealed class SqliteHubDbContext(DbContextOptions<SqliteHubDbContext> options) : HubDbContext(options);

public sealed class SqlServerHubDbContext(DbContextOptions<SqlServerHubDbContext> options) : HubDbContext(options);
