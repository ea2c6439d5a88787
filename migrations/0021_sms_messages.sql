-- Texts to citizens (issue 15): one row per case, kind and occurrence, with the send job's state, the provider's delivery reports and a satisfaction reply.
CREATE TABLE "sms_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"local_id" bigserial NOT NULL,
	"case_id" uuid,
	"kind" text NOT NULL,
	"occurrence" text NOT NULL,
	"phone" text NOT NULL,
	"body" text NOT NULL,
	"segments" smallint NOT NULL,
	"encoding" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"skip_reason" text,
	"provider" text,
	"provider_message_id" text,
	"provider_status" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"send_after" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"reply" text,
	"reply_verdict" text,
	"replied_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sms_messages_status_check" CHECK ("sms_messages"."status" in ('queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'skipped')),
	CONSTRAINT "sms_messages_kind_check" CHECK ("sms_messages"."kind" in ('created', 'dispatched', 'resolved', 'closed', 'satisfaction', 'reply')),
	CONSTRAINT "sms_messages_reply_verdict_check" CHECK ("sms_messages"."reply_verdict" is null or "sms_messages"."reply_verdict" in ('accept', 'object'))
);
--> statement-breakpoint
ALTER TABLE "sms_messages" ADD CONSTRAINT "sms_messages_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "sms_messages_local_id_idx" ON "sms_messages" USING btree ("local_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sms_messages_case_kind_occurrence_idx" ON "sms_messages" USING btree ("case_id","kind","occurrence");--> statement-breakpoint
CREATE UNIQUE INDEX "sms_messages_caseless_kind_occurrence_idx" ON "sms_messages" USING btree ("kind","occurrence") WHERE "sms_messages"."case_id" is null;--> statement-breakpoint
CREATE INDEX "sms_messages_provider_message_idx" ON "sms_messages" USING btree ("provider","provider_message_id");--> statement-breakpoint
CREATE INDEX "sms_messages_phone_kind_idx" ON "sms_messages" USING btree ("phone","kind","created_at");--> statement-breakpoint
CREATE INDEX "sms_messages_pending_idx" ON "sms_messages" USING btree ("updated_at") WHERE "sms_messages"."status" in ('queued', 'sending');
