using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Outbox.Samples.Demo.Migrations
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "archived_invoices",
                columns: table => new
                {
                    OrderId = table.Column<string>(type: "TEXT", nullable: false),
                    PdfBytes = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_archived_invoices", x => x.OrderId);
                });

            migrationBuilder.CreateTable(
                name: "customers",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    ShippingAddress = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_customers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "InboxBlockedKeys",
                columns: table => new
                {
                    ConsumerGroup = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Topic = table.Column<string>(type: "TEXT", maxLength: 249, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    FailedEventId = table.Column<Guid>(type: "TEXT", nullable: true),
                    DeadLetterPartition = table.Column<int>(type: "INTEGER", nullable: true),
                    DeadLetterOffset = table.Column<long>(type: "INTEGER", nullable: true),
                    BlockedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InboxBlockedKeys", x => new { x.ConsumerGroup, x.Topic, x.Key });
                });

            migrationBuilder.CreateTable(
                name: "InboxParkedEvents",
                columns: table => new
                {
                    ConsumerGroup = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    EventId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Topic = table.Column<string>(type: "TEXT", maxLength: 249, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    ParkedFromPartition = table.Column<int>(type: "INTEGER", nullable: false),
                    ParkedFromOffset = table.Column<long>(type: "INTEGER", nullable: false),
                    DeadLetterPartition = table.Column<int>(type: "INTEGER", nullable: false),
                    DeadLetterOffset = table.Column<long>(type: "INTEGER", nullable: false),
                    Released = table.Column<bool>(type: "INTEGER", nullable: false),
                    ParkedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InboxParkedEvents", x => new { x.ConsumerGroup, x.EventId });
                });

            migrationBuilder.CreateTable(
                name: "InboxProcessedEvents",
                columns: table => new
                {
                    ConsumerGroup = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    EventId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProcessedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Abandoned = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InboxProcessedEvents", x => new { x.ConsumerGroup, x.EventId });
                });

            migrationBuilder.CreateTable(
                name: "orders",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    CustomerId = table.Column<string>(type: "TEXT", nullable: false),
                    Total = table.Column<double>(type: "REAL", nullable: false),
                    Cancelled = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_orders", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "outbox_leases",
                columns: table => new
                {
                    name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    owner = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    expires_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbox_leases", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "outbox_messages",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    lane = table.Column<int>(type: "INTEGER", nullable: false),
                    topic = table.Column<string>(type: "TEXT", maxLength: 249, nullable: false),
                    message_key = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    event_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    message_type = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    headers = table.Column<string>(type: "TEXT", nullable: false),
                    payload = table.Column<byte[]>(type: "BLOB", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    published_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    failed_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    failure_reason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbox_messages", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "shipments",
                columns: table => new
                {
                    OrderId = table.Column<string>(type: "TEXT", nullable: false),
                    ShipTo = table.Column<string>(type: "TEXT", nullable: false),
                    Stopped = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shipments", x => x.OrderId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_InboxBlockedKeys_ConsumerGroup_FailedEventId",
                table: "InboxBlockedKeys",
                columns: new[] { "ConsumerGroup", "FailedEventId" });

            migrationBuilder.CreateIndex(
                name: "IX_InboxParkedEvents_ConsumerGroup_Topic_Key_Sequence",
                table: "InboxParkedEvents",
                columns: new[] { "ConsumerGroup", "Topic", "Key", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_InboxProcessedEvents_ProcessedAt",
                table: "InboxProcessedEvents",
                column: "ProcessedAt");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_published_at",
                table: "outbox_messages",
                column: "published_at");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_unpublished",
                table: "outbox_messages",
                columns: new[] { "lane", "id" },
                filter: "published_at IS NULL AND failed_at IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "archived_invoices");

            migrationBuilder.DropTable(
                name: "customers");

            migrationBuilder.DropTable(
                name: "InboxBlockedKeys");

            migrationBuilder.DropTable(
                name: "InboxParkedEvents");

            migrationBuilder.DropTable(
                name: "InboxProcessedEvents");

            migrationBuilder.DropTable(
                name: "orders");

            migrationBuilder.DropTable(
                name: "outbox_leases");

            migrationBuilder.DropTable(
                name: "outbox_messages");

            migrationBuilder.DropTable(
                name: "shipments");
        }
    }
}
