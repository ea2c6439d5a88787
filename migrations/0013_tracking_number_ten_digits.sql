-- Tracking numbers grow to 10 digits (9 random + check digit); cases numbered before keep their 8.
ALTER TABLE "cases" DROP CONSTRAINT "cases_tracking_number_check";--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_tracking_number_check" CHECK ("cases"."tracking_number" ~ '^[1-9][0-9]{7}([0-9]{2})?$');
