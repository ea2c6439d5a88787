-- The back office's actions on a case are events too: reclassification, notes, a look at the caller's number, a district sending the case back to triage.
ALTER TABLE "case_events" DROP CONSTRAINT "case_events_kind_check";--> statement-breakpoint
ALTER TABLE "case_events" ADD CONSTRAINT "case_events_kind_check" CHECK ("case_events"."kind" in ('status', 'district', 'escalated', 'dispatch_failed', 'dispatch_retried', 'category', 'note', 'phone_revealed', 'declined'));
