using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hub.Server.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class OnePipeline : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "VisibleTo",
                table: "DeliveryEvents");

            migrationBuilder.DropColumn(
                name: "VisibleTo",
                table: "CaseEvents");

            migrationBuilder.AddColumn<byte[]>(
                name: "Response",
                table: "IdempotencyKeys",
                type: "varbinary(max)",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "MessageId",
                table: "CaseEvents",
                type: "uniqueidentifier",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Response",
                table: "IdempotencyKeys");

            migrationBuilder.DropColumn(
                name: "MessageId",
                table: "CaseEvents");

            migrationBuilder.AddColumn<string>(
                name: "VisibleTo",
                table: "DeliveryEvents",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "VisibleTo",
                table: "CaseEvents",
                type: "nvarchar(2000)",
                maxLength: 2000,
                nullable: false,
                defaultValue: "");
        }
    }
}
