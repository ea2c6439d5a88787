CREATE TABLE "agent_queues" (
	"user_id" uuid NOT NULL,
	"queue" text NOT NULL,
	"penalty" smallint DEFAULT 0 NOT NULL,
	CONSTRAINT "agent_queues_user_id_queue_pk" PRIMARY KEY("user_id","queue"),
	CONSTRAINT "agent_queues_queue_check" CHECK ("agent_queues"."queue" in ('general', 'complaints', 'cleaning_waste', 'streets_lighting', 'parks_trees', 'building_violations', 'traffic_transport', 'other')),
	CONSTRAINT "agent_queues_penalty_check" CHECK ("agent_queues"."penalty" between 0 and 100)
);
--> statement-breakpoint
CREATE TABLE "agents" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"endpoint" text NOT NULL,
	"interface" text NOT NULL,
	"sip_password" text NOT NULL,
	"logged_in" boolean DEFAULT false NOT NULL,
	"pause_reason" text,
	"state_since" timestamp with time zone DEFAULT now() NOT NULL,
	"wrap_up_until" timestamp with time zone,
	"missed_in_a_row" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "agents_endpoint_unique" UNIQUE("endpoint"),
	CONSTRAINT "agents_interface_unique" UNIQUE("interface"),
	CONSTRAINT "agents_pause_reason_check" CHECK ("agents"."pause_reason" in ('break', 'lunch', 'training', 'meeting', 'after_call_work', 'missed', 'wrapup')),
	CONSTRAINT "agents_endpoint_check" CHECK ("agents"."endpoint" ~ '^[a-z0-9][a-z0-9._-]{1,39}$')
);
--> statement-breakpoint
CREATE TABLE "callbacks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"phone" text NOT NULL,
	"queue" text NOT NULL,
	"call_id" uuid,
	"case_id" uuid,
	"waiting_since" timestamp with time zone NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_attempt_at" timestamp with time zone,
	"last_result" text,
	CONSTRAINT "callbacks_status_check" CHECK ("callbacks"."status" in ('pending', 'dialling', 'connected', 'failed', 'cancelled')),
	CONSTRAINT "callbacks_queue_check" CHECK ("callbacks"."queue" in ('general', 'complaints', 'cleaning_waste', 'streets_lighting', 'parks_trees', 'building_violations', 'traffic_transport', 'other'))
);
--> statement-breakpoint
ALTER TABLE "calls" DROP CONSTRAINT "calls_outcome_check";--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "queue_joined_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "queue_left_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "queue_result" text;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "wait_seconds" integer;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "agent_id" uuid;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "answered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "talk_seconds" integer;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "wrap_up_seconds" integer;--> statement-breakpoint
ALTER TABLE "agent_queues" ADD CONSTRAINT "agent_queues_user_id_agents_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."agents"("user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callbacks" ADD CONSTRAINT "callbacks_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callbacks" ADD CONSTRAINT "callbacks_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "callbacks_status_idx" ON "callbacks" USING btree ("status","waiting_since");--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_agent_id_users_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "calls_agent_id_idx" ON "calls" USING btree ("agent_id");--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_queue_result_check" CHECK ("calls"."queue_result" in ('answered', 'abandoned', 'exited'));--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_outcome_check" CHECK ("calls"."outcome" in ('in_ivr', 'queued', 'voicebox', 'followup', 'hangup', 'fallback_queued', 'fallback_voicebox', 'callback', 'failed'));