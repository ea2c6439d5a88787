-- Every routing of a case (a district set, changed or cleared) is a new generation: a case declined by a district and routed back to it gets a new dispatch job and new deliveries instead of the first routing's completed job id.
ALTER TABLE "cases" ADD COLUMN "routing" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "case_dispatches" ADD COLUMN "routing" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "case_dispatches" DROP CONSTRAINT "case_dispatches_case_district_target_key";--> statement-breakpoint
ALTER TABLE "case_dispatches" ADD CONSTRAINT "case_dispatches_case_district_target_routing_key" UNIQUE("case_id","district","target","routing");
