using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hub.Server.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class CaseMessageRevisions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LegalBasis",
                table: "CaseMessages",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "CaseMessages",
                type: "int",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<DateTime>(
                name: "VersionAtUtc",
                table: "CaseMessages",
                type: "datetime2",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "VersionBy",
                table: "CaseMessages",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "VersionReason",
                table: "CaseMessages",
                type: "nvarchar(1000)",
                maxLength: 1000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "WithdrawalCause",
                table: "CaseMessages",
                type: "nvarchar(24)",
                maxLength: 24,
                nullable: false,
                defaultValue: "Unspecified");

            migrationBuilder.AddColumn<string>(
                name: "WithdrawalReason",
                table: "CaseMessages",
                type: "nvarchar(1000)",
                maxLength: 1000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTime>(
                name: "WithdrawnAtUtc",
                table: "CaseMessages",
                type: "datetime2",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "WithdrawnBy",
                table: "CaseMessages",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "WithdrawnByCountry",
                table: "CaseMessages",
                type: "nvarchar(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LegalBasis",
                table: "CaseMessages");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "CaseMessages");

            migrationBuilder.DropColumn(
                name: "VersionAtUtc",
                table: "CaseMessages");

            migrationBuilder.DropColumn(
                name: "VersionBy",
                table: "CaseMessages");

            migrationBuilder.DropColumn(
                name: "VersionReason",
                table: "CaseMessages");

            migrationBuilder.DropColumn(
                name: "WithdrawalCause",
                table: "CaseMessages");

            migrationBuilder.DropColumn(
                name: "WithdrawalReason",
                table: "CaseMessages");

            migrationBuilder.DropColumn(
                name: "WithdrawnAtUtc",
                table: "CaseMessages");

            migrationBuilder.DropColumn(
                name: "WithdrawnBy",
                table: "CaseMessages");

            migrationBuilder.DropColumn(
                name: "WithdrawnByCountry",
                table: "CaseMessages");
        }
    }
}
