using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hub.Server.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class ControlledDeliveries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Deliveries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    InitiatingCountry = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    RouteCountries = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    State = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "datetime2", nullable: false),
                    HandoverDueAtUtc = table.Column<DateTime>(type: "datetime2", nullable: true),
                    HandoverEscalatedAtUtc = table.Column<DateTime>(type: "datetime2", nullable: true),
                    PositionDueAtUtc = table.Column<DateTime>(type: "datetime2", nullable: true),
                    PositionEscalatedAtUtc = table.Column<DateTime>(type: "datetime2", nullable: true),
                    DocumentJson = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Deliveries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DeliveryEvents",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    EventId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    DeliveryId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Type = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    VisibleTo = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    PayloadJson = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    AtUtc = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliveryEvents", x => x.Sequence);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Deliveries_State_HandoverDueAtUtc",
                table: "Deliveries",
                columns: new[] { "State", "HandoverDueAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Deliveries_State_PositionDueAtUtc",
                table: "Deliveries",
                columns: new[] { "State", "PositionDueAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_DeliveryEvents_DeliveryId_Sequence",
                table: "DeliveryEvents",
                columns: new[] { "DeliveryId", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_DeliveryEvents_EventId",
                table: "DeliveryEvents",
                column: "EventId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Deliveries");

            migrationBuilder.DropTable(
                name: "DeliveryEvents");
        }
    }
}
