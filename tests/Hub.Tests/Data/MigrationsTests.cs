using Hub.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Tests.Data;

public class MigrationsTests
{
    public static TheoryData<string> Providers => new() { "sqlite", "sqlserver" };

    private static HubDbContext Create(string provider) => provider switch
    {
        "sqlite" => ((IDesignTimeDbContextFactory<SqliteHubDbContext>)Activator.CreateInstance(
            typeof(SqliteHubDbContext).Assembly.GetType("Hub.Server.Data.SqliteDesignTimeFactory")!)!).CreateDbContext([]),
        "sqlserver" => ((IDesignTimeDbContextFactory<SqlServerHubDbContext>)Activator.CreateInstance(
            typeof(SqlServerHubDbContext).Assembly.GetType("Hub.Server.Data.SqlServerDesignTimeFactory")!)!).CreateDbContext([]),
        _ => throw new ArgumentException(provider),
    };

    [Theory]
    [MemberData(nameof(Providers))]
    public void The_migrations_match_the_model(string provider)
    {
        using var db = Create(provider);

        Assert.True(db.Database.GetMigrations().Any(), $"{provider} has no migrations");
        Assert.False(db.Database.HasPendingModelChanges(), $"{provider}: the model has changes no migration covers; add one with dotnet ef migrations add");
    }

    [Fact]
    public async Task Sqlite_migrations_apply_to_an_empty_database_and_seed_the_directory()
    {
        var file = Path.Combine(Path.GetTempPath(), $"hub-migrate-{Guid.NewGuid():N}.db");
        try
        {
            var options = new DbContextOptionsBuilder<SqliteHubDbContext>().UseSqlite($"Data Source={file}").Options;
            await using (var db = new SqliteHubDbContext(options))
            {
                await DatabaseInitializer.RunAsync(db, TestContext.Current.CancellationToken);
                Assert.Empty(await db.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken));
                Assert.Equal(24, await db.Countries.CountAsync(TestContext.Current.CancellationToken));
            }
            // Running again is harmless: nothing is duplicated.
            await using (var db = new SqliteHubDbContext(options))
            {
                await DatabaseInitializer.RunAsync(db, TestContext.Current.CancellationToken);
                Assert.Equal(24, await db.Countries.CountAsync(TestContext.Current.CancellationToken));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Moving_idempotency_keys_to_the_shared_table_keeps_the_keys_of_earlier_alerts()
    {
        var file = Path.Combine(Path.GetTempPath(), $"hub-migrate-{Guid.NewGuid():N}.db");
        try
        {
            var options = new DbContextOptionsBuilder<SqliteHubDbContext>().UseSqlite($"Data Source={file}").Options;
            await using var db = new SqliteHubDbContext(options);
            var migrator = db.GetInfrastructure().GetRequiredService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>();
            var all = db.Database.GetMigrations().ToList();
            var before = all[all.FindIndex(m => m.EndsWith("_SharedIdempotencyKeys", StringComparison.Ordinal)) - 1];
            await migrator.MigrateAsync(before, TestContext.Current.CancellationToken);
            var id = Guid.NewGuid();
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO Alerts (Id, PostedEventId, ReportingCountry, IdempotencyKey, ContentHash, SeizedAtUtc, ReceivedAtUtc, Distribution, HandlingCode, AddressedCountries, ContentJson)
                VALUES ({id}, {Guid.NewGuid()}, 'KAZ', 'kaz-key-0001', 'ABCDEF', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 'Members', 'H1', '', {"{}"})
                """, TestContext.Current.CancellationToken);

            await db.Database.MigrateAsync(TestContext.Current.CancellationToken);

            var key = await db.IdempotencyKeys.SingleAsync(TestContext.Current.CancellationToken);
            Assert.Equal(("alert:KAZ", "kaz-key-0001", "ABCDEF"), (key.Scope, key.Key, key.RequestHash));
            Assert.Equal(id, Guid.Parse(key.RecordId));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }
}
