using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hub.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RetentionOfMessagesAndDeliveries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "KeepReason",
                table: "Deliveries",
                type: "TEXT",
                maxLength: 1000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTime>(
                name: "KeepUntilUtc",
                table: "Deliveries",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "PurgedAtUtc",
                table: "Deliveries",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "KeepReason",
                table: "CaseMessages",
                type: "TEXT",
                maxLength: 1000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTime>(
                name: "KeepUntilUtc",
                table: "CaseMessages",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "KeepReason",
                table: "Deliveries");

            migrationBuilder.DropColumn(
                name: "KeepUntilUtc",
                table: "Deliveries");

            migrationBuilder.DropColumn(
                name: "PurgedAtUtc",
                table: "Deliveries");

            migrationBuilder.DropColumn(
                name: "KeepReason",
                table: "CaseMessages");

            migrationBuilder.DropColumn(
                name: "KeepUntilUtc",
                table: "CaseMessages");
        }
    }
}
