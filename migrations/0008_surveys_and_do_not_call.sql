CREATE TABLE "do_not_call" (
	"phone" text PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "survey_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"survey_id" uuid NOT NULL,
	"attempt" smallint NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"hangup_cause" integer,
	"hangup_cause_name" text,
	"outcome" text
);
--> statement-breakpoint
CREATE TABLE "surveys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"survey_number" smallint NOT NULL,
	"phone" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"scheduled_at" timestamp with time zone NOT NULL,
	"end_reason" text,
	"answered_at" timestamp with time zone,
	"solved" boolean,
	"rating" smallint,
	"comment_recording" text,
	"flagged_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "surveys_status_check" CHECK ("surveys"."status" in ('pending', 'dialling', 'answered', 'no_answer', 'failed', 'opted_out', 'cancelled')),
	CONSTRAINT "surveys_rating_check" CHECK ("surveys"."rating" between 1 and 5),
	CONSTRAINT "surveys_survey_number_check" CHECK ("surveys"."survey_number" >= 1)
);
--> statement-breakpoint
ALTER TABLE "survey_attempts" ADD CONSTRAINT "survey_attempts_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "surveys" ADD CONSTRAINT "surveys_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "survey_attempts_survey_id_attempt_idx" ON "survey_attempts" USING btree ("survey_id","attempt");--> statement-breakpoint
CREATE UNIQUE INDEX "surveys_case_id_survey_number_idx" ON "surveys" USING btree ("case_id","survey_number");--> statement-breakpoint
CREATE UNIQUE INDEX "surveys_case_id_open_idx" ON "surveys" USING btree ("case_id") WHERE "surveys"."status" in ('pending', 'dialling');--> statement-breakpoint
CREATE INDEX "surveys_flagged_idx" ON "surveys" USING btree ("flagged_at") WHERE "surveys"."flagged_at" is not null;