using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hub.Server.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class Matching : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PartiesJson",
                table: "CaseMessages",
                type: "nvarchar(max)",
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "Matches",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Origin = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    AskingCountry = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    AskingRecordType = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    AskingRecordId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    OwnerCountry = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    RecordType = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    RecordId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    KeyKind = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    State = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    Purpose = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    FoundAtUtc = table.Column<DateTime>(type: "datetime2", nullable: false),
                    DecidedAtUtc = table.Column<DateTime>(type: "datetime2", nullable: true),
                    DecidedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    DecisionReason = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Matches", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "MatchEvents",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    MatchId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Audience = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    AlsoTo = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    EventId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Type = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    PayloadJson = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    AtUtc = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MatchEvents", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "MatchKeys",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Hash = table.Column<byte[]>(type: "varbinary(32)", maxLength: 32, nullable: false),
                    KeyId = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    Kind = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    RecordType = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    RecordId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    OwnerCountry = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MatchKeys", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Matches_AskingCountry_FoundAtUtc",
                table: "Matches",
                columns: new[] { "AskingCountry", "FoundAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Matches_OwnerCountry_FoundAtUtc",
                table: "Matches",
                columns: new[] { "OwnerCountry", "FoundAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Matches_RecordType_RecordId_AskingCountry",
                table: "Matches",
                columns: new[] { "RecordType", "RecordId", "AskingCountry" });

            migrationBuilder.CreateIndex(
                name: "IX_MatchEvents_EventId",
                table: "MatchEvents",
                column: "EventId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_MatchEvents_MatchId_Sequence",
                table: "MatchEvents",
                columns: new[] { "MatchId", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_MatchKeys_Hash",
                table: "MatchKeys",
                column: "Hash");

            migrationBuilder.CreateIndex(
                name: "IX_MatchKeys_KeyId",
                table: "MatchKeys",
                column: "KeyId");

            migrationBuilder.CreateIndex(
                name: "IX_MatchKeys_RecordType_RecordId",
                table: "MatchKeys",
                columns: new[] { "RecordType", "RecordId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Matches");

            migrationBuilder.DropTable(
                name: "MatchEvents");

            migrationBuilder.DropTable(
                name: "MatchKeys");

            migrationBuilder.DropColumn(
                name: "PartiesJson",
                table: "CaseMessages");
        }
    }
}
