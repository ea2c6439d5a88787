CREATE TABLE "calls" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"unique_id" text NOT NULL,
	"caller" text,
	"direction" text DEFAULT 'inbound' NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"ivr_path" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"outcome" text DEFAULT 'in_ivr' NOT NULL,
	"queue" text,
	"category" text,
	"district" smallint,
	"case_id" uuid,
	CONSTRAINT "calls_unique_id_unique" UNIQUE("unique_id"),
	CONSTRAINT "calls_direction_check" CHECK ("calls"."direction" in ('inbound', 'outbound')),
	CONSTRAINT "calls_outcome_check" CHECK ("calls"."outcome" in ('in_ivr', 'queued', 'voicebox', 'followup', 'hangup', 'fallback_queued', 'fallback_voicebox', 'failed')),
	CONSTRAINT "calls_queue_check" CHECK ("calls"."queue" in ('general', 'complaints', 'cleaning_waste', 'streets_lighting', 'parks_trees', 'building_violations', 'traffic_transport', 'other')),
	CONSTRAINT "calls_category_check" CHECK ("calls"."category" in ('cleaning_waste', 'streets_lighting', 'parks_trees', 'building_violations', 'traffic_transport', 'other', 'staff_complaint')),
	CONSTRAINT "calls_district_check" CHECK ("calls"."district" between 1 and 22),
	CONSTRAINT "calls_ivr_path_check" CHECK (jsonb_typeof("calls"."ivr_path") = 'array')
);
--> statement-breakpoint
CREATE TABLE "case_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"note" text,
	CONSTRAINT "case_events_from_status_check" CHECK ("case_events"."from_status" in ('new', 'dispatched', 'acknowledged', 'in_progress', 'resolved', 'closed', 'rejected', 'duplicate', 'reopened')),
	CONSTRAINT "case_events_to_status_check" CHECK ("case_events"."to_status" in ('new', 'dispatched', 'acknowledged', 'in_progress', 'resolved', 'closed', 'rejected', 'duplicate', 'reopened'))
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tracking_number" text NOT NULL,
	"channel" text NOT NULL,
	"category" text,
	"district" smallint,
	"caller_phone" text,
	"description" text,
	"recording" text,
	"call_id" uuid,
	"status" text DEFAULT 'new' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cases_tracking_number_unique" UNIQUE("tracking_number"),
	CONSTRAINT "cases_call_id_unique" UNIQUE("call_id"),
	CONSTRAINT "cases_tracking_number_check" CHECK ("cases"."tracking_number" ~ '^[1-9][0-9]{7}$'),
	CONSTRAINT "cases_channel_check" CHECK ("cases"."channel" in ('voicebox', 'phone', 'manual', 'web', 'sms', 'open311')),
	CONSTRAINT "cases_category_check" CHECK ("cases"."category" in ('cleaning_waste', 'streets_lighting', 'parks_trees', 'building_violations', 'traffic_transport', 'other', 'staff_complaint')),
	CONSTRAINT "cases_status_check" CHECK ("cases"."status" in ('new', 'dispatched', 'acknowledged', 'in_progress', 'resolved', 'closed', 'rejected', 'duplicate', 'reopened')),
	CONSTRAINT "cases_district_check" CHECK ("cases"."district" between 1 and 22)
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_events" ADD CONSTRAINT "case_events_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "calls_caller_started_at_idx" ON "calls" USING btree ("caller","started_at");--> statement-breakpoint
CREATE INDEX "calls_started_at_idx" ON "calls" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "case_events_case_id_at_idx" ON "case_events" USING btree ("case_id","at");--> statement-breakpoint
CREATE INDEX "cases_caller_phone_created_at_idx" ON "cases" USING btree ("caller_phone","created_at");--> statement-breakpoint
CREATE INDEX "cases_status_idx" ON "cases" USING btree ("status");--> statement-breakpoint
CREATE INDEX "cases_district_idx" ON "cases" USING btree ("district");--> statement-breakpoint
CREATE INDEX "cases_category_idx" ON "cases" USING btree ("category");--> statement-breakpoint
CREATE INDEX "cases_created_at_idx" ON "cases" USING btree ("created_at");