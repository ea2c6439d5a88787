CREATE TABLE "supervisor_phones" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"endpoint" text NOT NULL,
	"interface" text NOT NULL,
	"sip_password" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "supervisor_phones_endpoint_unique" UNIQUE("endpoint"),
	CONSTRAINT "supervisor_phones_interface_unique" UNIQUE("interface"),
	CONSTRAINT "supervisor_phones_endpoint_check" CHECK ("supervisor_phones"."endpoint" ~ '^sup-[a-z0-9][a-z0-9._-]{1,39}$')
);
--> statement-breakpoint
ALTER TABLE "supervisor_phones" ADD CONSTRAINT "supervisor_phones_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;