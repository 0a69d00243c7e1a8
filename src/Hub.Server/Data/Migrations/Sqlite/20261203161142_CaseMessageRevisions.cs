using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hub.Server.Data.Migrations.Sqlite
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
                type: "TEXT",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "CaseMessages",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<DateTime>(
                name: "VersionAtUtc",
                table: "CaseMessages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "VersionBy",
                table: "CaseMessages",
                type: "TEXT",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "VersionReason",
                table: "CaseMessages",
                type: "TEXT",
                maxLength: 1000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "WithdrawalCause",
                table: "CaseMessages",
                type: "TEXT",
                maxLength: 24,
                nullable: false,
                defaultValue: "Unspecified");

            migrationBuilder.AddColumn<string>(
                name: "WithdrawalReason",
                table: "CaseMessages",
                type: "TEXT",
                maxLength: 1000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTime>(
                name: "WithdrawnAtUtc",
                table: "CaseMessages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "WithdrawnBy",
                table: "CaseMessages",
                type: "TEXT",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "WithdrawnByCountry",
                table: "CaseMessages",
                type: "TEXT",
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
