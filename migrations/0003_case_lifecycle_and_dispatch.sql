CREATE TABLE "case_dispatches" (
	"case_id" uuid NOT NULL,
	"district" smallint NOT NULL,
	"target" text NOT NULL,
	"delivered_at" timestamp with time zone NOT NULL,
	CONSTRAINT "case_dispatches_case_district_target_key" UNIQUE("case_id","district","target")
);
--> statement-breakpoint
CREATE TABLE "districts" (
	"id" smallint PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"office_hours" jsonb,
	"webhook_urls" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"webhook_secret" text,
	"inbox_enabled" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "districts_id_check" CHECK ("districts"."id" between 1 and 22),
	CONSTRAINT "districts_webhook_urls_check" CHECK (jsonb_typeof("districts"."webhook_urls") = 'array'),
	CONSTRAINT "districts_webhook_secret_check" CHECK ("districts"."webhook_urls" = '[]'::jsonb or "districts"."webhook_secret" is not null)
);
--> statement-breakpoint
ALTER TABLE "case_events" ADD COLUMN "kind" text DEFAULT 'status' NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "escalated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "dispatch_failed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "duplicate_of" uuid;--> statement-breakpoint
ALTER TABLE "case_dispatches" ADD CONSTRAINT "case_dispatches_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_duplicate_of_cases_id_fk" FOREIGN KEY ("duplicate_of") REFERENCES "public"."cases"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cases_due_at_idx" ON "cases" USING btree ("due_at") WHERE "cases"."escalated_at" is null;--> statement-breakpoint
ALTER TABLE "case_events" ADD CONSTRAINT "case_events_kind_check" CHECK ("case_events"."kind" in ('status', 'district', 'escalated', 'dispatch_failed', 'dispatch_retried'));