using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hub.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Statistics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Returns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReportingCountry = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Period = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Granularity = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    PeriodStartUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    PeriodEndUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    ReceivedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    SubmittedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Distribution = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    HandlingCode = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    AddressedCountries = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    ContentJson = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Returns", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SeizureCells",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Cut = table.Column<int>(type: "INTEGER", nullable: false),
                    PeriodStart = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ReportingCountry = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Distribution = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    AddressedCountries = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Substance = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Measure = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Facet = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Amount = table.Column<long>(type: "INTEGER", nullable: false),
                    Items = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SeizureCells", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SeizureTallies",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Day = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ReportingCountry = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Distribution = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    AddressedCountries = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Substance = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Measure = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Amount = table.Column<long>(type: "INTEGER", nullable: false),
                    Items = table.Column<int>(type: "INTEGER", nullable: false),
                    Transport = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Concealment = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Origin = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Destination = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Transit = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SeizureTallies", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "StatisticsState",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    CellsVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    BuiltAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StatisticsState", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Returns_PeriodStartUtc",
                table: "Returns",
                column: "PeriodStartUtc");

            migrationBuilder.CreateIndex(
                name: "IX_Returns_ReportingCountry_Period",
                table: "Returns",
                columns: new[] { "ReportingCountry", "Period" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SeizureCells_Cut_PeriodStart_ReportingCountry",
                table: "SeizureCells",
                columns: new[] { "Cut", "PeriodStart", "ReportingCountry" });

            migrationBuilder.CreateIndex(
                name: "IX_SeizureTallies_Day",
                table: "SeizureTallies",
                column: "Day");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Returns");

            migrationBuilder.DropTable(
                name: "SeizureCells");

            migrationBuilder.DropTable(
                name: "SeizureTallies");

            migrationBuilder.DropTable(
                name: "StatisticsState");
        }
    }
}
