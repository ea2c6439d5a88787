ALTER TABLE "cases" ADD COLUMN "address" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "lat" double precision;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "long" double precision;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "external_id" text;--> statement-breakpoint
CREATE UNIQUE INDEX "cases_channel_external_id_idx" ON "cases" USING btree ("channel","external_id");--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_lat_check" CHECK ("cases"."lat" between -90 and 90);--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_long_check" CHECK ("cases"."long" between -180 and 180);--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_position_check" CHECK (("cases"."lat" is null) = ("cases"."long" is null));