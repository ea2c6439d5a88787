-- Every routing of a case (a district set, changed or cleared) is a new generation: a case declined by a district and routed back to it gets a new dispatch job and new deliveries instead of the first routing's completed job id.
ALTER TABLE "cases" ADD COLUMN "routing" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "case_dispatches" ADD COLUMN "routing" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "case_dispatches" DROP CONSTRAINT "case_dispatches_case_district_target_key";--> statement-breakpoint
ALTER TABLE "case_dispatches" ADD CONSTRAINT "case_dispatches_case_district_target_routing_key" UNIQUE("case_id","district","target","routing");
--> statement-breakpoint
-- Districts as data beyond hours and webhooks: their boundary (GeoJSON, loaded by npm run districts:import), who to contact, and SLA hours of their own per category.
ALTER TABLE "districts" ADD COLUMN "boundary" jsonb;--> statement-breakpoint
ALTER TABLE "districts" ADD COLUMN "contacts" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "districts" ADD COLUMN "sla_hours" jsonb;--> statement-breakpoint
-- Units inside a district (kind unit) and city-wide bodies such as the water or traffic organisation (kind body, no district): cases can be routed to them, and they receive on their own webhooks.
CREATE TABLE "units" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"district" smallint,
	"name" text NOT NULL,
	"webhook_urls" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"webhook_secret" text,
	"contacts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"sla_hours" jsonb,
	"boundary" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "units_id_check" CHECK ("units"."id" ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
	CONSTRAINT "units_kind_check" CHECK ("units"."kind" in ('unit', 'body')),
	CONSTRAINT "units_district_check" CHECK (("units"."kind" = 'unit') = ("units"."district" is not null)),
	CONSTRAINT "units_webhook_urls_check" CHECK (jsonb_typeof("units"."webhook_urls") = 'array'),
	CONSTRAINT "units_webhook_secret_check" CHECK ("units"."webhook_urls" = '[]'::jsonb or "units"."webhook_secret" is not null)
);--> statement-breakpoint
ALTER TABLE "units" ADD CONSTRAINT "units_district_districts_id_fk" FOREIGN KEY ("district") REFERENCES "public"."districts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "unit" text;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_unit_units_id_fk" FOREIGN KEY ("unit") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cases_unit_idx" ON "cases" USING btree ("unit");--> statement-breakpoint
ALTER TABLE "case_events" DROP CONSTRAINT "case_events_kind_check";--> statement-breakpoint
ALTER TABLE "case_events" ADD CONSTRAINT "case_events_kind_check" CHECK ("case_events"."kind" in ('status', 'district', 'escalated', 'dispatch_failed', 'dispatch_retried', 'category', 'note', 'phone_revealed', 'declined', 'unit', 'location'));
