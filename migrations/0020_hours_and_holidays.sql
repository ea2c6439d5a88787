-- Holidays are data: solar (every year), lunar (one year) and one-off closures, for the whole city or one district. The table is seeded from config/holidays.json at the engine's first start (settings row calendar.seeded); the hotline's weekly hours live in settings row hours.weekly.
CREATE TABLE "holidays" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"jy" smallint,
	"jm" smallint NOT NULL,
	"jd" smallint NOT NULL,
	"name" text NOT NULL,
	"district" smallint,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "holidays_kind_check" CHECK ("holidays"."kind" in ('solar', 'lunar', 'closure')),
	CONSTRAINT "holidays_year_check" CHECK (("holidays"."kind" = 'solar') = ("holidays"."jy" is null)),
	CONSTRAINT "holidays_date_check" CHECK ("holidays"."jm" between 1 and 12 and "holidays"."jd" between 1 and 31),
	CONSTRAINT "holidays_name_check" CHECK (length("holidays"."name") between 1 and 200)
);
--> statement-breakpoint
ALTER TABLE "holidays" ADD CONSTRAINT "holidays_district_districts_id_fk" FOREIGN KEY ("district") REFERENCES "public"."districts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "holidays_jy_idx" ON "holidays" USING btree ("jy");
