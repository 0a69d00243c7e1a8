using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hub.Server.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class SharedIdempotencyKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "IdempotencyKeys",
                columns: table => new
                {
                    Scope = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Key = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    RequestHash = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    RecordId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IdempotencyKeys", x => new { x.Scope, x.Key });
                });

            // Keys of alerts posted before this migration move to the shared table, so that a
            // retry of one of them is still recognised.
            migrationBuilder.Sql(
                "INSERT INTO IdempotencyKeys (Scope, [Key], RequestHash, RecordId, CreatedAtUtc) " +
                "SELECT 'alert:' + ReportingCountry, IdempotencyKey, ContentHash, CONVERT(nvarchar(64), Id), ReceivedAtUtc FROM Alerts");

            migrationBuilder.DropIndex(
                name: "IX_Alerts_ReportingCountry_IdempotencyKey",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "ContentHash",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "IdempotencyKey",
                table: "Alerts");

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_ReportingCountry_Sequence",
                table: "Alerts",
                columns: new[] { "ReportingCountry", "Sequence" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "IdempotencyKeys");

            migrationBuilder.DropIndex(
                name: "IX_Alerts_ReportingCountry_Sequence",
                table: "Alerts");

            migrationBuilder.AddColumn<string>(
                name: "ContentHash",
                table: "Alerts",
                type: "nvarchar(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "IdempotencyKey",
                table: "Alerts",
                type: "nvarchar(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_ReportingCountry_IdempotencyKey",
                table: "Alerts",
                columns: new[] { "ReportingCountry", "IdempotencyKey" },
                unique: true);
        }
    }
}
