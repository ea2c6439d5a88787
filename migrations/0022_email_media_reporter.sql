-- Issue 15: e-mail becomes a channel; the reporter's contact details an Open311 app or an e-mail gives are kept for staff (never published); photos and media links attached to a case; the e-mail messages of a case, so a reply finds its case.
ALTER TABLE "cases" DROP CONSTRAINT "cases_channel_check";--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_channel_check" CHECK ("cases"."channel" in ('voicebox', 'phone', 'manual', 'web', 'sms', 'open311', 'email'));--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "reporter_email" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "reporter_first_name" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "reporter_last_name" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "reporter_phone" text;--> statement-breakpoint
CREATE TABLE "case_media" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"source" text NOT NULL,
	"stored_key" text,
	"content_type" text,
	"bytes" integer,
	"source_url" text,
	"lat" double precision,
	"long" double precision,
	"position" smallint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "case_media_source_check" CHECK ("case_media"."source" in ('web', 'open311', 'email')),
	CONSTRAINT "case_media_kind_check" CHECK (("case_media"."stored_key" is null) <> ("case_media"."source_url" is null)),
	CONSTRAINT "case_media_position_check" CHECK (("case_media"."lat" is null) = ("case_media"."long" is null))
);--> statement-breakpoint
ALTER TABLE "case_media" ADD CONSTRAINT "case_media_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_media_case_id_created_at_idx" ON "case_media" USING btree ("case_id","created_at","position");--> statement-breakpoint
CREATE TABLE "email_messages" (
	"message_id" text PRIMARY KEY NOT NULL,
	"case_id" uuid NOT NULL,
	"direction" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "email_messages_direction_check" CHECK ("email_messages"."direction" in ('in', 'out'))
);--> statement-breakpoint
ALTER TABLE "email_messages" ADD CONSTRAINT "email_messages_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "email_messages_case_id_idx" ON "email_messages" USING btree ("case_id");
