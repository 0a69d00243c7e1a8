using Hub.Server.Audit;
using Hub.Server.Countries;
using Hub.Server.Identity;
using Hub.Server.Messaging;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Data;

/// <summary>
/// The hub's one model: its records, the audit trail, the outbox, people (ASP.NET Core
/// Identity) and OpenID Connect clients and tokens (OpenIddict). Each database provider has
/// its own subclass so that each keeps its own migrations.
/// </summary>
public abstract class HubDbContext(DbContextOptions options) : IdentityDbContext<HubUser>(options)
{
    public DbSet<Country> Countries => Set<Country>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<AuditEntry> AuditTrail => Set<AuditEntry>();
    public DbSet<AuditHead> AuditHeads => Set<AuditHead>();
    public DbSet<InboxMessage> Inbox => Set<InboxMessage>();
    public DbSet<Idempotency.IdempotencyKey> IdempotencyKeys => Set<Idempotency.IdempotencyKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.UseOpenIddict();
        builder.ApplyConfigurationsFromAssembly(typeof(HubDbContext).Assembly);
    }
}

public sealed class SqliteHubDbContext(DbContextOptions<SqliteHubDbContext> options) : HubDbContext(options);

public sealed class SqlServerHubDbContext(DbContextOptions<SqlServerHubDbContext> options) : HubDbContext(options);
