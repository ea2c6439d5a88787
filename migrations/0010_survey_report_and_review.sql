ALTER TABLE "surveys" ADD COLUMN "ended_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "surveys" ADD COLUMN "reviewed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "surveys" ADD COLUMN "reviewed_by" text;--> statement-breakpoint
ALTER TABLE "surveys" ADD COLUMN "review_note" text;--> statement-breakpoint
CREATE INDEX "surveys_report_idx" ON "surveys" USING btree ("ended_at","status","case_id","rating","solved") WHERE "surveys"."ended_at" is not null;--> statement-breakpoint
-- Surveys that ended before this column existed: their last change was the ending.
UPDATE "surveys" SET "ended_at" = coalesce("answered_at", "updated_at") WHERE "status" NOT IN ('pending', 'dialling');
