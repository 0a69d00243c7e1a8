using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hub.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class StatisticsGenerations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SeizureCells_Cut_PeriodStart_ReportingCountry",
                table: "SeizureCells");

            migrationBuilder.AddColumn<int>(
                name: "Generation",
                table: "StatisticsState",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Generation",
                table: "SeizureCells",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateIndex(
                name: "IX_SeizureCells_Generation_Cut_PeriodStart_ReportingCountry",
                table: "SeizureCells",
                columns: new[] { "Generation", "Cut", "PeriodStart", "ReportingCountry" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SeizureCells_Generation_Cut_PeriodStart_ReportingCountry",
                table: "SeizureCells");

            migrationBuilder.DropColumn(
                name: "Generation",
                table: "StatisticsState");

            migrationBuilder.DropColumn(
                name: "Generation",
                table: "SeizureCells");

            migrationBuilder.CreateIndex(
                name: "IX_SeizureCells_Cut_PeriodStart_ReportingCountry",
                table: "SeizureCells",
                columns: new[] { "Cut", "PeriodStart", "ReportingCountry" });
        }
    }
}
