using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hub.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AlertFeedAndRevisions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "LegalHold",
                table: "Cases",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "LegalHoldReason",
                table: "Cases",
                type: "TEXT",
                maxLength: 1000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "KeepReason",
                table: "Alerts",
                type: "TEXT",
                maxLength: 1000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTime>(
                name: "KeepUntilUtc",
                table: "Alerts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LegalBasis",
                table: "Alerts",
                type: "TEXT",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<long>(
                name: "PostedSequence",
                table: "Alerts",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "Alerts",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<DateTime>(
                name: "VersionAtUtc",
                table: "Alerts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "VersionBy",
                table: "Alerts",
                type: "TEXT",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "VersionReason",
                table: "Alerts",
                type: "TEXT",
                maxLength: 1000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "WithdrawalCause",
                table: "Alerts",
                type: "TEXT",
                maxLength: 24,
                nullable: false,
                defaultValue: "Unspecified");

            migrationBuilder.AddColumn<string>(
                name: "WithdrawalReason",
                table: "Alerts",
                type: "TEXT",
                maxLength: 1000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTime>(
                name: "WithdrawnAtUtc",
                table: "Alerts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "WithdrawnBy",
                table: "Alerts",
                type: "TEXT",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "WithdrawnByCountry",
                table: "Alerts",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "AlertEvents",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AlertId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EventId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    PayloadJson = table.Column<string>(type: "TEXT", nullable: false),
                    AtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AlertEvents", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "RecordVersions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RecordType = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    RecordId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    ContentJson = table.Column<string>(type: "TEXT", nullable: false),
                    MadeAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    MadeBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RecordVersions", x => x.Id);
                });

            // Every alert stored before becomes its own posted event, at its own sequence, so
            // that every stored resume point (after_sequence, the country queues' sequence)
            // keeps its meaning; new events continue after the highest.
            migrationBuilder.Sql("""
                INSERT INTO "AlertEvents" ("Sequence", "AlertId", "EventId", "Type", "PayloadJson", "AtUtc")
                SELECT "Sequence", "Id", "PostedEventId", 'posted', '', "ReceivedAtUtc" FROM "Alerts";
                UPDATE "Alerts" SET "PostedSequence" = "Sequence";
                """);

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_PostedSequence",
                table: "Alerts",
                column: "PostedSequence",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AlertEvents_AlertId",
                table: "AlertEvents",
                column: "AlertId");

            migrationBuilder.CreateIndex(
                name: "IX_AlertEvents_EventId",
                table: "AlertEvents",
                column: "EventId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RecordVersions_RecordType_RecordId_Version",
                table: "RecordVersions",
                columns: new[] { "RecordType", "RecordId", "Version" },
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "FK_Alerts_AlertEvents_PostedSequence",
                table: "Alerts",
                column: "PostedSequence",
                principalTable: "AlertEvents",
                principalColumn: "Sequence",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Alerts_AlertEvents_PostedSequence",
                table: "Alerts");

            migrationBuilder.DropTable(
                name: "AlertEvents");

            migrationBuilder.DropTable(
                name: "RecordVersions");

            migrationBuilder.DropIndex(
                name: "IX_Alerts_PostedSequence",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "LegalHold",
                table: "Cases");

            migrationBuilder.DropColumn(
                name: "LegalHoldReason",
                table: "Cases");

            migrationBuilder.DropColumn(
                name: "KeepReason",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "KeepUntilUtc",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "LegalBasis",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "PostedSequence",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "VersionAtUtc",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "VersionBy",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "VersionReason",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "WithdrawalCause",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "WithdrawalReason",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "WithdrawnAtUtc",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "WithdrawnBy",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "WithdrawnByCountry",
                table: "Alerts");
        }
    }
}
