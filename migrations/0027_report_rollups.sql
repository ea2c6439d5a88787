-- Issue 16 item 6: the calls and cases reports read rollups instead of a year of rows.
-- Two grains per kind: half-hour UTC buckets by queue (calls) or category (cases), for the
-- reports by Tehran day and hour (+03:30 and +04:30 both fall on half-hour edges), and
-- Tehran days by every dimension, for the reports by queue, district and category (one
-- table keyed by half-hour and every dimension would hold 63 % of the rows it sums).
-- Triggers keep them: every insert, update or delete of a row takes back the old row's
-- contribution and adds the new one's. The calls' thresholds are the live statistics'
-- defaults (answered within 20 s, abandoned after 5 s); reports asked with other
-- thresholds read the rows (report-repo.ts, ROLLUP_CALL_THRESHOLDS).
CREATE TABLE "report_calls_half_hourly" (
	"bucket" timestamp with time zone NOT NULL,
	"queue" text,
	"offered" bigint DEFAULT 0 NOT NULL,
	"answered" bigint DEFAULT 0 NOT NULL,
	"answered_in_time" bigint DEFAULT 0 NOT NULL,
	"abandoned" bigint DEFAULT 0 NOT NULL,
	"abandoned_late" bigint DEFAULT 0 NOT NULL,
	"hold_sec_answered" bigint DEFAULT 0 NOT NULL,
	"handled" bigint DEFAULT 0 NOT NULL,
	"handle_sec" bigint DEFAULT 0 NOT NULL,
	"handled_without_wrap_up" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "report_calls_half_hourly_key" UNIQUE NULLS NOT DISTINCT ("bucket", "queue")
);
--> statement-breakpoint
CREATE TABLE "report_calls_daily" (
	"day" date NOT NULL,
	"queue" text,
	"district" smallint,
	"category" text,
	"offered" bigint DEFAULT 0 NOT NULL,
	"answered" bigint DEFAULT 0 NOT NULL,
	"answered_in_time" bigint DEFAULT 0 NOT NULL,
	"abandoned" bigint DEFAULT 0 NOT NULL,
	"abandoned_late" bigint DEFAULT 0 NOT NULL,
	"hold_sec_answered" bigint DEFAULT 0 NOT NULL,
	"handled" bigint DEFAULT 0 NOT NULL,
	"handle_sec" bigint DEFAULT 0 NOT NULL,
	"handled_without_wrap_up" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "report_calls_daily_key" UNIQUE NULLS NOT DISTINCT ("day", "queue", "district", "category")
);
--> statement-breakpoint
CREATE TABLE "report_cases_half_hourly" (
	"bucket" timestamp with time zone NOT NULL,
	"category" text,
	"opened" bigint DEFAULT 0 NOT NULL,
	"resolved" bigint DEFAULT 0 NOT NULL,
	"resolve_sec" numeric DEFAULT 0 NOT NULL,
	"unfinished" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "report_cases_half_hourly_key" UNIQUE NULLS NOT DISTINCT ("bucket", "category")
);
--> statement-breakpoint
CREATE TABLE "report_cases_daily" (
	"day" date NOT NULL,
	"category" text,
	"district" smallint,
	"opened" bigint DEFAULT 0 NOT NULL,
	"resolved" bigint DEFAULT 0 NOT NULL,
	"resolve_sec" numeric DEFAULT 0 NOT NULL,
	"unfinished" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "report_cases_daily_key" UNIQUE NULLS NOT DISTINCT ("day", "category", "district")
);
--> statement-breakpoint
-- Adds one call's contribution (sign 1) or takes it back (sign -1).
CREATE FUNCTION "report_calls_add"(c "calls", sign integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	v_answered integer := CASE WHEN c.queue_result = 'answered' THEN sign ELSE 0 END;
	v_in_time integer := CASE WHEN c.queue_result = 'answered' AND c.wait_seconds <= 20 THEN sign ELSE 0 END;
	v_abandoned integer := CASE WHEN c.queue_result = 'abandoned' THEN sign ELSE 0 END;
	v_late integer := CASE WHEN c.queue_result = 'abandoned' AND c.wait_seconds > 5 THEN sign ELSE 0 END;
	v_hold bigint := CASE WHEN c.queue_result = 'answered' THEN sign * coalesce(c.wait_seconds, 0) ELSE 0 END;
	v_handled integer := CASE WHEN c.talk_seconds IS NOT NULL THEN sign ELSE 0 END;
	v_handle bigint := sign * (coalesce(c.talk_seconds, 0) + CASE WHEN c.talk_seconds IS NOT NULL THEN coalesce(c.wrap_up_seconds, 0) ELSE 0 END);
	v_no_wrap integer := CASE WHEN c.talk_seconds IS NOT NULL AND c.wrap_up_seconds IS NULL THEN sign ELSE 0 END;
BEGIN
	IF c.queue_joined_at IS NULL THEN
		RETURN;
	END IF;
	INSERT INTO "report_calls_half_hourly" AS r
		("bucket", "queue", "offered", "answered", "answered_in_time", "abandoned", "abandoned_late", "hold_sec_answered", "handled", "handle_sec", "handled_without_wrap_up")
	VALUES (to_timestamp(floor(extract(epoch FROM c.started_at) / 1800) * 1800), c.queue, sign, v_answered, v_in_time, v_abandoned, v_late, v_hold, v_handled, v_handle, v_no_wrap)
	ON CONFLICT ("bucket", "queue") DO UPDATE SET
		"offered" = r."offered" + excluded."offered", "answered" = r."answered" + excluded."answered",
		"answered_in_time" = r."answered_in_time" + excluded."answered_in_time", "abandoned" = r."abandoned" + excluded."abandoned",
		"abandoned_late" = r."abandoned_late" + excluded."abandoned_late", "hold_sec_answered" = r."hold_sec_answered" + excluded."hold_sec_answered",
		"handled" = r."handled" + excluded."handled", "handle_sec" = r."handle_sec" + excluded."handle_sec",
		"handled_without_wrap_up" = r."handled_without_wrap_up" + excluded."handled_without_wrap_up";
	INSERT INTO "report_calls_daily" AS r
		("day", "queue", "district", "category", "offered", "answered", "answered_in_time", "abandoned", "abandoned_late", "hold_sec_answered", "handled", "handle_sec", "handled_without_wrap_up")
	VALUES ((c.started_at AT TIME ZONE 'Asia/Tehran')::date, c.queue, c.district, c.category, sign, v_answered, v_in_time, v_abandoned, v_late, v_hold, v_handled, v_handle, v_no_wrap)
	ON CONFLICT ("day", "queue", "district", "category") DO UPDATE SET
		"offered" = r."offered" + excluded."offered", "answered" = r."answered" + excluded."answered",
		"answered_in_time" = r."answered_in_time" + excluded."answered_in_time", "abandoned" = r."abandoned" + excluded."abandoned",
		"abandoned_late" = r."abandoned_late" + excluded."abandoned_late", "hold_sec_answered" = r."hold_sec_answered" + excluded."hold_sec_answered",
		"handled" = r."handled" + excluded."handled", "handle_sec" = r."handle_sec" + excluded."handle_sec",
		"handled_without_wrap_up" = r."handled_without_wrap_up" + excluded."handled_without_wrap_up";
END $$;
--> statement-breakpoint
CREATE FUNCTION "report_calls_rollup"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND (OLD.started_at, OLD.queue_joined_at, OLD.queue, OLD.district, OLD.category, OLD.queue_result, OLD.wait_seconds, OLD.talk_seconds, OLD.wrap_up_seconds)
		IS NOT DISTINCT FROM (NEW.started_at, NEW.queue_joined_at, NEW.queue, NEW.district, NEW.category, NEW.queue_result, NEW.wait_seconds, NEW.talk_seconds, NEW.wrap_up_seconds) THEN
		RETURN NULL;
	END IF;
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		PERFORM "report_calls_add"(OLD, -1);
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') THEN
		PERFORM "report_calls_add"(NEW, 1);
	END IF;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "calls_report_rollup" AFTER INSERT OR DELETE OR UPDATE ON "calls" FOR EACH ROW EXECUTE FUNCTION "report_calls_rollup"();
--> statement-breakpoint
-- Adds one case's contribution (sign 1) or takes it back (sign -1). "Unfinished" is the
-- status side of "overdue"; the time side depends on now and is read from the rows.
CREATE FUNCTION "report_cases_add"(c "cases", sign integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	v_resolved integer := CASE WHEN c.resolved_at IS NOT NULL THEN sign ELSE 0 END;
	v_resolve_sec numeric := sign * coalesce(extract(epoch FROM c.resolved_at - c.created_at), 0);
	v_unfinished integer := CASE WHEN c.status NOT IN ('closed', 'resolved', 'rejected', 'duplicate') THEN sign ELSE 0 END;
BEGIN
	INSERT INTO "report_cases_half_hourly" AS r ("bucket", "category", "opened", "resolved", "resolve_sec", "unfinished")
	VALUES (to_timestamp(floor(extract(epoch FROM c.created_at) / 1800) * 1800), c.category, sign, v_resolved, v_resolve_sec, v_unfinished)
	ON CONFLICT ("bucket", "category") DO UPDATE SET
		"opened" = r."opened" + excluded."opened", "resolved" = r."resolved" + excluded."resolved",
		"resolve_sec" = r."resolve_sec" + excluded."resolve_sec", "unfinished" = r."unfinished" + excluded."unfinished";
	INSERT INTO "report_cases_daily" AS r ("day", "category", "district", "opened", "resolved", "resolve_sec", "unfinished")
	VALUES ((c.created_at AT TIME ZONE 'Asia/Tehran')::date, c.category, c.district, sign, v_resolved, v_resolve_sec, v_unfinished)
	ON CONFLICT ("day", "category", "district") DO UPDATE SET
		"opened" = r."opened" + excluded."opened", "resolved" = r."resolved" + excluded."resolved",
		"resolve_sec" = r."resolve_sec" + excluded."resolve_sec", "unfinished" = r."unfinished" + excluded."unfinished";
END $$;
--> statement-breakpoint
CREATE FUNCTION "report_cases_rollup"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND (OLD.created_at, OLD.category, OLD.district, OLD.status, OLD.resolved_at)
		IS NOT DISTINCT FROM (NEW.created_at, NEW.category, NEW.district, NEW.status, NEW.resolved_at) THEN
		RETURN NULL;
	END IF;
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		PERFORM "report_cases_add"(OLD, -1);
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') THEN
		PERFORM "report_cases_add"(NEW, 1);
	END IF;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "cases_report_rollup" AFTER INSERT OR DELETE OR UPDATE ON "cases" FOR EACH ROW EXECUTE FUNCTION "report_cases_rollup"();
--> statement-breakpoint
-- A truncated table takes its rollups with it (the tests empty tables this way).
CREATE FUNCTION "report_calls_rollup_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	TRUNCATE "report_calls_half_hourly", "report_calls_daily";
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "calls_report_rollup_truncate" AFTER TRUNCATE ON "calls" FOR EACH STATEMENT EXECUTE FUNCTION "report_calls_rollup_truncate"();
--> statement-breakpoint
CREATE FUNCTION "report_cases_rollup_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	TRUNCATE "report_cases_half_hourly", "report_cases_daily";
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "cases_report_rollup_truncate" AFTER TRUNCATE ON "cases" FOR EACH STATEMENT EXECUTE FUNCTION "report_cases_rollup_truncate"();
--> statement-breakpoint
-- Overdue = unfinished (rollup) minus the unfinished cases not yet due (rows): only those
-- whose due time, or registration when no due time is stored, is within the longest SLA
-- of now can still be on time, and this index finds just them.
CREATE INDEX "cases_report_pending_idx" ON "cases" USING btree ((coalesce("due_at", "created_at"))) WHERE "status" NOT IN ('closed', 'resolved', 'rejected', 'duplicate');
--> statement-breakpoint
-- Sums the rollups afresh from the rows, with the same expressions as the functions above:
-- once here for the rows already there, and after a bulk load made with the row triggers
-- disabled (scripts/seed-year.ts).
CREATE FUNCTION "report_rollups_refill"() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	TRUNCATE "report_calls_half_hourly", "report_calls_daily", "report_cases_half_hourly", "report_cases_daily";
	INSERT INTO "report_calls_half_hourly"
		("bucket", "queue", "offered", "answered", "answered_in_time", "abandoned", "abandoned_late", "hold_sec_answered", "handled", "handle_sec", "handled_without_wrap_up")
	SELECT to_timestamp(floor(extract(epoch FROM c.started_at) / 1800) * 1800), c.queue, count(*),
		count(*) FILTER (WHERE c.queue_result = 'answered'),
		count(*) FILTER (WHERE c.queue_result = 'answered' AND c.wait_seconds <= 20),
		count(*) FILTER (WHERE c.queue_result = 'abandoned'),
		count(*) FILTER (WHERE c.queue_result = 'abandoned' AND c.wait_seconds > 5),
		coalesce(sum(c.wait_seconds) FILTER (WHERE c.queue_result = 'answered'), 0),
		count(c.talk_seconds),
		coalesce(sum(c.talk_seconds + coalesce(c.wrap_up_seconds, 0)), 0),
		count(*) FILTER (WHERE c.talk_seconds IS NOT NULL AND c.wrap_up_seconds IS NULL)
	FROM "calls" c
	WHERE c.queue_joined_at IS NOT NULL
	GROUP BY 1, 2;
	INSERT INTO "report_calls_daily"
		("day", "queue", "district", "category", "offered", "answered", "answered_in_time", "abandoned", "abandoned_late", "hold_sec_answered", "handled", "handle_sec", "handled_without_wrap_up")
	SELECT (c.started_at AT TIME ZONE 'Asia/Tehran')::date, c.queue, c.district, c.category, count(*),
		count(*) FILTER (WHERE c.queue_result = 'answered'),
		count(*) FILTER (WHERE c.queue_result = 'answered' AND c.wait_seconds <= 20),
		count(*) FILTER (WHERE c.queue_result = 'abandoned'),
		count(*) FILTER (WHERE c.queue_result = 'abandoned' AND c.wait_seconds > 5),
		coalesce(sum(c.wait_seconds) FILTER (WHERE c.queue_result = 'answered'), 0),
		count(c.talk_seconds),
		coalesce(sum(c.talk_seconds + coalesce(c.wrap_up_seconds, 0)), 0),
		count(*) FILTER (WHERE c.talk_seconds IS NOT NULL AND c.wrap_up_seconds IS NULL)
	FROM "calls" c
	WHERE c.queue_joined_at IS NOT NULL
	GROUP BY 1, 2, 3, 4;
	INSERT INTO "report_cases_half_hourly" ("bucket", "category", "opened", "resolved", "resolve_sec", "unfinished")
	SELECT to_timestamp(floor(extract(epoch FROM c.created_at) / 1800) * 1800), c.category, count(*), count(c.resolved_at),
		coalesce(sum(extract(epoch FROM c.resolved_at - c.created_at)), 0),
		count(*) FILTER (WHERE c.status NOT IN ('closed', 'resolved', 'rejected', 'duplicate'))
	FROM "cases" c
	GROUP BY 1, 2;
	INSERT INTO "report_cases_daily" ("day", "category", "district", "opened", "resolved", "resolve_sec", "unfinished")
	SELECT (c.created_at AT TIME ZONE 'Asia/Tehran')::date, c.category, c.district, count(*), count(c.resolved_at),
		coalesce(sum(extract(epoch FROM c.resolved_at - c.created_at)), 0),
		count(*) FILTER (WHERE c.status NOT IN ('closed', 'resolved', 'rejected', 'duplicate'))
	FROM "cases" c
	GROUP BY 1, 2, 3;
END $$;
--> statement-breakpoint
SELECT "report_rollups_refill"();
--> statement-breakpoint
ANALYZE "report_calls_half_hourly", "report_calls_daily", "report_cases_half_hourly", "report_cases_daily";
