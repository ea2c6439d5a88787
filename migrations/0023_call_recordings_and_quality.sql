-- Issue 16: recorded conversations between citizens and agents, who listened to them, and the quality team's evaluation forms and scores.
CREATE TABLE "call_recordings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"call_id" uuid NOT NULL,
	"kind" text DEFAULT 'conversation' NOT NULL,
	"stored_name" text NOT NULL,
	"recording" text,
	"bytes" integer NOT NULL,
	"agent_id" uuid,
	"queue" text,
	"started_at" timestamp with time zone NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	"purged_at" timestamp with time zone,
	CONSTRAINT "call_recordings_stored_name_unique" UNIQUE("stored_name"),
	CONSTRAINT "call_recordings_kind_check" CHECK ("call_recordings"."kind" in ('conversation')),
	CONSTRAINT "call_recordings_kept_or_purged_check" CHECK (("call_recordings"."recording" is null) = ("call_recordings"."purged_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "call_recordings" ADD CONSTRAINT "call_recordings_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_recordings" ADD CONSTRAINT "call_recordings_agent_id_users_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "call_recordings_call_id_idx" ON "call_recordings" USING btree ("call_id");--> statement-breakpoint
CREATE INDEX "call_recordings_started_at_idx" ON "call_recordings" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "call_recordings_agent_id_idx" ON "call_recordings" USING btree ("agent_id","started_at");--> statement-breakpoint
CREATE TABLE "recording_listens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"recording_id" uuid NOT NULL,
	"user_id" text NOT NULL,
	"role" text NOT NULL,
	"listened_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "recording_listens" ADD CONSTRAINT "recording_listens_recording_id_call_recordings_id_fk" FOREIGN KEY ("recording_id") REFERENCES "public"."call_recordings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "recording_listens_recording_id_idx" ON "recording_listens" USING btree ("recording_id","listened_at");--> statement-breakpoint
CREATE TABLE "qa_forms" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"criteria" jsonb NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"archived_at" timestamp with time zone,
	CONSTRAINT "qa_forms_criteria_check" CHECK (jsonb_typeof("qa_forms"."criteria") = 'array')
);
--> statement-breakpoint
CREATE TABLE "qa_evaluations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"recording_id" uuid NOT NULL,
	"form_id" uuid NOT NULL,
	"call_id" uuid NOT NULL,
	"agent_id" uuid,
	"queue" text,
	"evaluator_id" text NOT NULL,
	"answers" jsonb NOT NULL,
	"score" double precision NOT NULL,
	"critical_failed" boolean NOT NULL,
	"comment" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"call_started_at" timestamp with time zone NOT NULL,
	"dispute_status" text,
	"dispute_reason" text,
	"disputed_at" timestamp with time zone,
	"resolved_by" text,
	"resolved_at" timestamp with time zone,
	"resolution_note" text,
	CONSTRAINT "qa_evaluations_one_per_evaluator" UNIQUE("recording_id","evaluator_id"),
	CONSTRAINT "qa_evaluations_score_check" CHECK ("qa_evaluations"."score" between 0 and 100),
	CONSTRAINT "qa_evaluations_dispute_status_check" CHECK ("qa_evaluations"."dispute_status" in ('open', 'upheld', 'revised'))
);
--> statement-breakpoint
ALTER TABLE "qa_evaluations" ADD CONSTRAINT "qa_evaluations_recording_id_call_recordings_id_fk" FOREIGN KEY ("recording_id") REFERENCES "public"."call_recordings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qa_evaluations" ADD CONSTRAINT "qa_evaluations_form_id_qa_forms_id_fk" FOREIGN KEY ("form_id") REFERENCES "public"."qa_forms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qa_evaluations" ADD CONSTRAINT "qa_evaluations_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qa_evaluations" ADD CONSTRAINT "qa_evaluations_agent_id_users_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "qa_evaluations_agent_id_idx" ON "qa_evaluations" USING btree ("agent_id","call_started_at");--> statement-breakpoint
CREATE INDEX "qa_evaluations_call_started_at_idx" ON "qa_evaluations" USING btree ("call_started_at");
