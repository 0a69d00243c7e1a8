using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hub.Server.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class AuditMacKeyIdAndCheckpointLease : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "KeyId",
                table: "AuditTrail",
                type: "nvarchar(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.InsertData(
                table: "OutboxLease",
                columns: new[] { "Id", "ExpiresAtUtc", "Holder" },
                values: new object[] { 2, new DateTime(1970, 1, 1, 0, 0, 0, 0, DateTimeKind.Utc), "" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DeleteData(
                table: "OutboxLease",
                keyColumn: "Id",
                keyValue: 2);

            migrationBuilder.DropColumn(
                name: "KeyId",
                table: "AuditTrail");
        }
    }
}
