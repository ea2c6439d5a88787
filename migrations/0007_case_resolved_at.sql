DROP INDEX "cases_report_idx";--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "resolved_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "cases_report_idx" ON "cases" USING btree ("created_at","category","district","status","resolved_at");--> statement-breakpoint
-- Cases resolved before this column existed: their first resolution, from their events.
UPDATE "cases" SET "resolved_at" = r.at
FROM (SELECT "case_id", min("at") AS at FROM "case_events" WHERE "to_status" = 'resolved' GROUP BY "case_id") r
WHERE r."case_id" = "cases"."id" AND "cases"."resolved_at" IS NULL;
