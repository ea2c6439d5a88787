-- The per-agent report's figures that no call row holds: pauses by reason, missed rings, holds (written by the agent service).
CREATE TABLE "agent_activity" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agent_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"reason" text,
	"call_id" uuid,
	"started_at" timestamp with time zone NOT NULL,
	"seconds" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "agent_activity_kind_check" CHECK ("agent_activity"."kind" in ('pause', 'missed_ring', 'hold')),
	CONSTRAINT "agent_activity_seconds_check" CHECK ("agent_activity"."seconds" >= 0)
);
--> statement-breakpoint
ALTER TABLE "agent_activity" ADD CONSTRAINT "agent_activity_agent_id_users_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_activity" ADD CONSTRAINT "agent_activity_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_activity_report_idx" ON "agent_activity" USING btree ("started_at","agent_id","kind","reason","seconds");
