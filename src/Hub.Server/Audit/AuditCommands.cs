using Hub.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Audit;

/// <summary>
/// The hub's audit commands, run with the hub's configuration (keys, database, checkpoint
/// file) instead of serving:
/// <c>Hub.Server audit-verify [--checkpoints FILE]…</c> checks the trail (exit code 0 when
/// intact, 1 when not, 2 when it could not check); extra files are copies of the checkpoints
/// kept elsewhere, e.g. a member agency's messages as JSON lines.
/// <c>Hub.Server audit-checkpoint</c> writes a checkpoint now (its message goes out with a
/// running hub's outbox).
/// </summary>
public static class AuditCommands
{
    public const string Verify = "audit-verify";
    public const string Checkpoint = "audit-checkpoint";

    public static bool Handles(string[] args) => args.Length > 0 && args[0] is Verify or Checkpoint;

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        if ((await db.Database.GetPendingMigrationsAsync()).Any())
        {
            await error.WriteLineAsync("the database is not initialised (pending migrations): point Hub__DataDirectory or ConnectionStrings__Hub at the hub's database");
            return 2;
        }
        if (args[0] == Checkpoint)
        {
            var written = await scope.ServiceProvider.GetRequiredService<AuditCheckpoints>().WriteAsync(unlessAt: null, CancellationToken.None);
            await output.WriteLineAsync($"checkpoint at {AuditFindings.N(written!.Sequence)} signed {written.At} written to {scope.ServiceProvider.GetRequiredService<AuditCheckpoints>().FilePath}");
            return 0;
        }

        var files = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--checkpoints" && i + 1 < args.Length && File.Exists(args[i + 1]))
            {
                files.Add(args[++i]);
            }
            else
            {
                await error.WriteLineAsync($"usage: Hub.Server {Verify} [--checkpoints FILE]… ('{args[i]}' is not an option, or its file does not exist)");
                return 2;
            }
        }
        var verifier = scope.ServiceProvider.GetRequiredService<AuditVerifier>();
        var result = await verifier.VerifyAsync(db, CancellationToken.None, files);
        await output.WriteLineAsync($"audit trail {result.Reason}");
        if (!result.Intact)
        {
            foreach (var problem in result.Problems)
            {
                await output.WriteLineAsync($"  - {problem}");
            }
        }
        await output.WriteLineAsync($"checked {AuditFindings.N(result.EntriesChecked)} entries against {AuditFindings.N(result.CheckpointsChecked)} checkpoints in {string.Join(", ", files.Prepend(verifier.CheckpointFilePath))}");
        foreach (var note in result.Notes)
        {
            await output.WriteLineAsync($"note: {note}");
        }
        return result.Intact ? 0 : 1;
    }
}
