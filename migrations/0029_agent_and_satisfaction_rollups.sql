-- Issue 16 item 6, continued from 0027: the satisfaction and per-agent reports read rollups
-- per Tehran day instead of joining a year of surveys, cases and calls.
--
-- report_satisfaction_daily: one row per day, dimension (district, category, queue, agent)
-- and key, so each report sums one dimension's rows. A single row per day × district ×
-- category × queue × agent would hold about one row per survey on the seeded year (22 × 10
-- × 5 × 120 combinations a day for some 1,200 surveys) and save nothing; four small
-- dimensions are some 160 rows a day, for four upserts per survey written.
-- report_agent_daily: one row per agent and day with every figure of the per-agent report.
--
-- A survey counts with its case's district and category and the queue and agent of the call
-- that opened the case (cases.call_id); a case counts for that call's agent. So the triggers
-- take back and re-add a survey's contribution when the survey changes, when its case changes
-- (district, category, call), and when that call changes (queue, agent), and a case's when it
-- or its call changes. Before a call or a case is deleted its dependants are moved as their
-- foreign keys will leave them (a case whose call is gone counts with no queue and agent; the
-- surveys of a deleted case go with it), because the row triggers that follow can no longer
-- find the deleted row to know where those dependants were counted.
-- The constants are the domain's: REPORTED_SURVEY_STATUSES and SATISFIED_FROM (4) in
-- domain/reports/satisfaction.ts, REPORTED_PAUSE_REASONS in domain/reports/agents.ts
-- (test/integration/agent-satisfaction-rollups.test.ts checks them against these columns).
CREATE TABLE "report_satisfaction_daily" (
	"day" date NOT NULL,
	"dimension" text NOT NULL,
	"key" text,
	"ended" bigint DEFAULT 0 NOT NULL,
	"answered" bigint DEFAULT 0 NOT NULL,
	"rated" bigint DEFAULT 0 NOT NULL,
	"satisfied" bigint DEFAULT 0 NOT NULL,
	"rating_sum" bigint DEFAULT 0 NOT NULL,
	"solved_answered" bigint DEFAULT 0 NOT NULL,
	"solved_yes" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "report_satisfaction_daily_key" UNIQUE NULLS NOT DISTINCT ("dimension", "day", "key")
);
--> statement-breakpoint
-- "rows" counts the source rows summed (answered calls, activity rows, cases, answered surveys,
-- evaluations): the report lists an agent for a period when any row was there, even with
-- figures that are all 0.
CREATE TABLE "report_agent_daily" (
	"agent_id" uuid NOT NULL,
	"day" date NOT NULL,
	"rows" bigint DEFAULT 0 NOT NULL,
	"answered" bigint DEFAULT 0 NOT NULL,
	"handled" bigint DEFAULT 0 NOT NULL,
	"talk_sec" bigint DEFAULT 0 NOT NULL,
	"wrap_up_sec" bigint DEFAULT 0 NOT NULL,
	"holds" bigint DEFAULT 0 NOT NULL,
	"hold_sec" bigint DEFAULT 0 NOT NULL,
	"missed_rings" bigint DEFAULT 0 NOT NULL,
	"pause_break" bigint DEFAULT 0 NOT NULL,
	"pause_lunch" bigint DEFAULT 0 NOT NULL,
	"pause_training" bigint DEFAULT 0 NOT NULL,
	"pause_meeting" bigint DEFAULT 0 NOT NULL,
	"pause_after_call_work" bigint DEFAULT 0 NOT NULL,
	"pause_missed" bigint DEFAULT 0 NOT NULL,
	"cases_created" bigint DEFAULT 0 NOT NULL,
	"surveys_answered" bigint DEFAULT 0 NOT NULL,
	"reopened" bigint DEFAULT 0 NOT NULL,
	"rated" bigint DEFAULT 0 NOT NULL,
	"satisfied" bigint DEFAULT 0 NOT NULL,
	"qa_evaluations" bigint DEFAULT 0 NOT NULL,
	-- numeric, not double precision: adding and taking back scores must leave no rounding behind.
	"qa_score_sum" numeric DEFAULT 0 NOT NULL,
	CONSTRAINT "report_agent_daily_pkey" PRIMARY KEY ("agent_id", "day")
);
--> statement-breakpoint
-- Adds figures to an agent's Tehran day (negative figures take them back).
CREATE FUNCTION "report_agent_add"(p_agent uuid, p_at timestamptz, "rows" integer,
	answered integer DEFAULT 0, handled integer DEFAULT 0, talk_sec bigint DEFAULT 0, wrap_up_sec bigint DEFAULT 0,
	holds integer DEFAULT 0, hold_sec bigint DEFAULT 0, missed_rings integer DEFAULT 0,
	pause_break bigint DEFAULT 0, pause_lunch bigint DEFAULT 0, pause_training bigint DEFAULT 0,
	pause_meeting bigint DEFAULT 0, pause_after_call_work bigint DEFAULT 0, pause_missed bigint DEFAULT 0,
	cases_created integer DEFAULT 0, surveys_answered integer DEFAULT 0, reopened integer DEFAULT 0,
	rated integer DEFAULT 0, satisfied integer DEFAULT 0, qa_evaluations integer DEFAULT 0, qa_score_sum numeric DEFAULT 0)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	IF p_agent IS NULL OR p_at IS NULL THEN
		RETURN;
	END IF;
	INSERT INTO "report_agent_daily" AS r ("agent_id", "day", "rows", "answered", "handled", "talk_sec", "wrap_up_sec", "holds", "hold_sec",
		"missed_rings", "pause_break", "pause_lunch", "pause_training", "pause_meeting", "pause_after_call_work", "pause_missed",
		"cases_created", "surveys_answered", "reopened", "rated", "satisfied", "qa_evaluations", "qa_score_sum")
	VALUES (p_agent, (p_at AT TIME ZONE 'Asia/Tehran')::date, "rows", answered, handled, talk_sec, wrap_up_sec, holds, hold_sec,
		missed_rings, pause_break, pause_lunch, pause_training, pause_meeting, pause_after_call_work, pause_missed,
		cases_created, surveys_answered, reopened, rated, satisfied, qa_evaluations, qa_score_sum)
	ON CONFLICT ("agent_id", "day") DO UPDATE SET
		"rows" = r."rows" + excluded."rows", "answered" = r."answered" + excluded."answered", "handled" = r."handled" + excluded."handled",
		"talk_sec" = r."talk_sec" + excluded."talk_sec", "wrap_up_sec" = r."wrap_up_sec" + excluded."wrap_up_sec",
		"holds" = r."holds" + excluded."holds", "hold_sec" = r."hold_sec" + excluded."hold_sec", "missed_rings" = r."missed_rings" + excluded."missed_rings",
		"pause_break" = r."pause_break" + excluded."pause_break", "pause_lunch" = r."pause_lunch" + excluded."pause_lunch",
		"pause_training" = r."pause_training" + excluded."pause_training", "pause_meeting" = r."pause_meeting" + excluded."pause_meeting",
		"pause_after_call_work" = r."pause_after_call_work" + excluded."pause_after_call_work", "pause_missed" = r."pause_missed" + excluded."pause_missed",
		"cases_created" = r."cases_created" + excluded."cases_created", "surveys_answered" = r."surveys_answered" + excluded."surveys_answered",
		"reopened" = r."reopened" + excluded."reopened", "rated" = r."rated" + excluded."rated", "satisfied" = r."satisfied" + excluded."satisfied",
		"qa_evaluations" = r."qa_evaluations" + excluded."qa_evaluations", "qa_score_sum" = r."qa_score_sum" + excluded."qa_score_sum";
END $$;
--> statement-breakpoint
-- One survey's contribution (sign 1) or its taking back (sign -1), with its case's district and
-- category and the queue and agent of the case's call.
CREATE FUNCTION "report_survey_add"(s "surveys", p_district smallint, p_category text, p_queue text, p_agent uuid, sign integer)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	v_answered boolean := s.status = 'answered';
BEGIN
	IF s.ended_at IS NULL OR s.status NOT IN ('answered', 'no_answer', 'failed', 'opted_out') THEN
		RETURN;
	END IF;
	INSERT INTO "report_satisfaction_daily" AS r
		("day", "dimension", "key", "ended", "answered", "rated", "satisfied", "rating_sum", "solved_answered", "solved_yes")
	SELECT (s.ended_at AT TIME ZONE 'Asia/Tehran')::date, d.dimension, d.key, sign,
		CASE WHEN v_answered THEN sign ELSE 0 END,
		CASE WHEN v_answered AND s.rating IS NOT NULL THEN sign ELSE 0 END,
		CASE WHEN v_answered AND s.rating >= 4 THEN sign ELSE 0 END,
		CASE WHEN v_answered THEN sign * coalesce(s.rating, 0) ELSE 0 END,
		CASE WHEN v_answered AND s.solved IS NOT NULL THEN sign ELSE 0 END,
		CASE WHEN v_answered AND s.solved THEN sign ELSE 0 END
	FROM (VALUES ('district', p_district::text), ('category', p_category), ('queue', p_queue), ('agent', p_agent::text)) AS d(dimension, key)
	ON CONFLICT ("dimension", "day", "key") DO UPDATE SET
		"ended" = r."ended" + excluded."ended", "answered" = r."answered" + excluded."answered", "rated" = r."rated" + excluded."rated",
		"satisfied" = r."satisfied" + excluded."satisfied", "rating_sum" = r."rating_sum" + excluded."rating_sum",
		"solved_answered" = r."solved_answered" + excluded."solved_answered", "solved_yes" = r."solved_yes" + excluded."solved_yes";
	IF v_answered THEN
		PERFORM "report_agent_add"(p_agent, s.ended_at, sign, surveys_answered => sign,
			reopened => CASE WHEN s.flagged_at IS NOT NULL THEN sign ELSE 0 END,
			rated => CASE WHEN s.rating IS NOT NULL THEN sign ELSE 0 END,
			satisfied => CASE WHEN s.rating >= 4 THEN sign ELSE 0 END);
	END IF;
END $$;
--> statement-breakpoint
-- Every survey of a case, in or out, with the case's call's queue and agent.
CREATE FUNCTION "report_case_surveys_add"(c "cases", p_queue text, p_agent uuid, sign integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	s "surveys";
BEGIN
	FOR s IN SELECT * FROM "surveys" WHERE "case_id" = c.id LOOP
		PERFORM "report_survey_add"(s, c.district, c.category, p_queue, p_agent, sign);
	END LOOP;
END $$;
--> statement-breakpoint
-- What hangs on a call: the case it opened (for its agent) and its surveys (its queue and agent),
-- found through cases_call_id_unique.
CREATE FUNCTION "report_call_dependants_add"(p_call uuid, p_queue text, p_agent uuid, sign integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	c "cases";
BEGIN
	FOR c IN SELECT * FROM "cases" WHERE "call_id" = p_call LOOP
		PERFORM "report_agent_add"(p_agent, c.created_at, sign, cases_created => sign);
		PERFORM "report_case_surveys_add"(c, p_queue, p_agent, sign);
	END LOOP;
END $$;
--> statement-breakpoint
-- A call's own figures for its agent: an answered call, handled when its talk was recorded.
CREATE FUNCTION "report_agent_call_add"(k "calls", sign integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	IF k.queue_result IS DISTINCT FROM 'answered' THEN
		RETURN;
	END IF;
	PERFORM "report_agent_add"(k.agent_id, k.started_at, sign, answered => sign,
		handled => CASE WHEN k.talk_seconds IS NOT NULL THEN sign ELSE 0 END,
		talk_sec => sign * coalesce(k.talk_seconds, 0)::bigint,
		wrap_up_sec => CASE WHEN k.talk_seconds IS NOT NULL THEN sign * coalesce(k.wrap_up_seconds, 0)::bigint ELSE 0 END);
END $$;
--> statement-breakpoint
CREATE FUNCTION "report_people_calls_rollup"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		PERFORM "report_agent_call_add"(NEW, 1);
	ELSIF TG_OP = 'DELETE' THEN
		PERFORM "report_agent_call_add"(OLD, -1);
	ELSE
		IF (OLD.started_at, OLD.agent_id, OLD.queue_result, OLD.talk_seconds, OLD.wrap_up_seconds)
			IS DISTINCT FROM (NEW.started_at, NEW.agent_id, NEW.queue_result, NEW.talk_seconds, NEW.wrap_up_seconds) THEN
			PERFORM "report_agent_call_add"(OLD, -1);
			PERFORM "report_agent_call_add"(NEW, 1);
		END IF;
		IF (OLD.queue, OLD.agent_id) IS DISTINCT FROM (NEW.queue, NEW.agent_id) THEN
			PERFORM "report_call_dependants_add"(NEW.id, OLD.queue, OLD.agent_id, -1);
			PERFORM "report_call_dependants_add"(NEW.id, NEW.queue, NEW.agent_id, 1);
		END IF;
	END IF;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "calls_people_rollup" AFTER INSERT OR DELETE OR UPDATE ON "calls" FOR EACH ROW EXECUTE FUNCTION "report_people_calls_rollup"();
--> statement-breakpoint
-- Before a call goes, its cases count with no queue and agent: ON DELETE SET NULL will leave
-- them so, and the cases' trigger then finds no call on either side of the change.
CREATE FUNCTION "report_people_calls_before_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF (OLD.queue, OLD.agent_id) IS DISTINCT FROM (NULL, NULL) THEN
		PERFORM "report_call_dependants_add"(OLD.id, OLD.queue, OLD.agent_id, -1);
		PERFORM "report_call_dependants_add"(OLD.id, NULL, NULL, 1);
	END IF;
	RETURN OLD;
END $$;
--> statement-breakpoint
CREATE TRIGGER "calls_people_rollup_before_delete" BEFORE DELETE ON "calls" FOR EACH ROW EXECUTE FUNCTION "report_people_calls_before_delete"();
--> statement-breakpoint
CREATE FUNCTION "report_people_cases_rollup"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	old_queue text;
	old_agent uuid;
	new_queue text;
	new_agent uuid;
BEGIN
	IF TG_OP = 'UPDATE' AND (OLD.call_id, OLD.created_at, OLD.district, OLD.category)
		IS NOT DISTINCT FROM (NEW.call_id, NEW.created_at, NEW.district, NEW.category) THEN
		RETURN NULL;
	END IF;
	-- A call that is not there (none, or deleted in this statement) gives no queue and agent.
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		SELECT k.queue, k.agent_id INTO old_queue, old_agent FROM "calls" k WHERE k.id = OLD.call_id;
		PERFORM "report_agent_add"(old_agent, OLD.created_at, -1, cases_created => -1);
	END IF;
	IF TG_OP = 'UPDATE' THEN
		SELECT k.queue, k.agent_id INTO new_queue, new_agent FROM "calls" k WHERE k.id = NEW.call_id;
		PERFORM "report_case_surveys_add"(OLD, old_queue, old_agent, -1);
		PERFORM "report_case_surveys_add"(NEW, new_queue, new_agent, 1);
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') THEN
		IF TG_OP = 'INSERT' THEN
			SELECT k.queue, k.agent_id INTO new_queue, new_agent FROM "calls" k WHERE k.id = NEW.call_id;
		END IF;
		PERFORM "report_agent_add"(new_agent, NEW.created_at, 1, cases_created => 1);
	END IF;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "cases_people_rollup" AFTER INSERT OR DELETE OR UPDATE ON "cases" FOR EACH ROW EXECUTE FUNCTION "report_people_cases_rollup"();
--> statement-breakpoint
-- Before a case goes, its surveys are taken back: ON DELETE CASCADE removes them after the
-- case, when their trigger can no longer find the case they counted with (and skips them).
CREATE FUNCTION "report_people_cases_before_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	v_queue text;
	v_agent uuid;
BEGIN
	SELECT k.queue, k.agent_id INTO v_queue, v_agent FROM "calls" k WHERE k.id = OLD.call_id;
	PERFORM "report_case_surveys_add"(OLD, v_queue, v_agent, -1);
	RETURN OLD;
END $$;
--> statement-breakpoint
CREATE TRIGGER "cases_people_rollup_before_delete" BEFORE DELETE ON "cases" FOR EACH ROW EXECUTE FUNCTION "report_people_cases_before_delete"();
--> statement-breakpoint
CREATE FUNCTION "report_people_surveys_rollup"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	v_district smallint;
	v_category text;
	v_queue text;
	v_agent uuid;
BEGIN
	IF TG_OP = 'UPDATE' AND (OLD.case_id, OLD.status, OLD.ended_at, OLD.rating, OLD.solved, OLD.flagged_at)
		IS NOT DISTINCT FROM (NEW.case_id, NEW.status, NEW.ended_at, NEW.rating, NEW.solved, NEW.flagged_at) THEN
		RETURN NULL;
	END IF;
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		SELECT c.district, c.category, k.queue, k.agent_id INTO v_district, v_category, v_queue, v_agent
		FROM "cases" c LEFT JOIN "calls" k ON k.id = c.call_id WHERE c.id = OLD.case_id;
		-- No case: it is being deleted, and took this survey back before it went.
		IF FOUND THEN
			PERFORM "report_survey_add"(OLD, v_district, v_category, v_queue, v_agent, -1);
		END IF;
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') THEN
		SELECT c.district, c.category, k.queue, k.agent_id INTO v_district, v_category, v_queue, v_agent
		FROM "cases" c LEFT JOIN "calls" k ON k.id = c.call_id WHERE c.id = NEW.case_id;
		IF FOUND THEN
			PERFORM "report_survey_add"(NEW, v_district, v_category, v_queue, v_agent, 1);
		END IF;
	END IF;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "surveys_people_rollup" AFTER INSERT OR DELETE OR UPDATE ON "surveys" FOR EACH ROW EXECUTE FUNCTION "report_people_surveys_rollup"();
--> statement-breakpoint
-- A hold, a missed ring or a pause ('wrapup' pauses are not reported but still list the agent).
CREATE FUNCTION "report_agent_activity_add"(a "agent_activity", sign integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	v_pause bigint := CASE WHEN a.kind = 'pause' THEN sign * a.seconds::bigint ELSE 0 END;
BEGIN
	PERFORM "report_agent_add"(a.agent_id, a.started_at, sign,
		holds => CASE WHEN a.kind = 'hold' THEN sign ELSE 0 END,
		hold_sec => CASE WHEN a.kind = 'hold' THEN sign * a.seconds::bigint ELSE 0 END,
		missed_rings => CASE WHEN a.kind = 'missed_ring' THEN sign ELSE 0 END,
		pause_break => CASE WHEN a.reason = 'break' THEN v_pause ELSE 0 END,
		pause_lunch => CASE WHEN a.reason = 'lunch' THEN v_pause ELSE 0 END,
		pause_training => CASE WHEN a.reason = 'training' THEN v_pause ELSE 0 END,
		pause_meeting => CASE WHEN a.reason = 'meeting' THEN v_pause ELSE 0 END,
		pause_after_call_work => CASE WHEN a.reason = 'after_call_work' THEN v_pause ELSE 0 END,
		pause_missed => CASE WHEN a.reason = 'missed' THEN v_pause ELSE 0 END);
END $$;
--> statement-breakpoint
CREATE FUNCTION "report_people_activity_rollup"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND (OLD.agent_id, OLD.kind, OLD.reason, OLD.started_at, OLD.seconds)
		IS NOT DISTINCT FROM (NEW.agent_id, NEW.kind, NEW.reason, NEW.started_at, NEW.seconds) THEN
		RETURN NULL;
	END IF;
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		PERFORM "report_agent_activity_add"(OLD, -1);
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') THEN
		PERFORM "report_agent_activity_add"(NEW, 1);
	END IF;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "agent_activity_people_rollup" AFTER INSERT OR DELETE OR UPDATE ON "agent_activity" FOR EACH ROW EXECUTE FUNCTION "report_people_activity_rollup"();
--> statement-breakpoint
CREATE FUNCTION "report_people_qa_rollup"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND (OLD.agent_id, OLD.call_started_at, OLD.score) IS NOT DISTINCT FROM (NEW.agent_id, NEW.call_started_at, NEW.score) THEN
		RETURN NULL;
	END IF;
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		PERFORM "report_agent_add"(OLD.agent_id, OLD.call_started_at, -1, qa_evaluations => -1, qa_score_sum => -(OLD.score::numeric));
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') THEN
		PERFORM "report_agent_add"(NEW.agent_id, NEW.call_started_at, 1, qa_evaluations => 1, qa_score_sum => NEW.score::numeric);
	END IF;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "qa_evaluations_people_rollup" AFTER INSERT OR DELETE OR UPDATE ON "qa_evaluations" FOR EACH ROW EXECUTE FUNCTION "report_people_qa_rollup"();
--> statement-breakpoint
-- Sums the satisfaction rollup afresh from the rows, with the expressions of report_survey_add:
-- one pass with a grouping set per dimension (the key is the one column grouped), with room to
-- hash. A cross join to the four dimensions sorted on disk: 71.6 s on the seeded year, 4.2 s so.
CREATE FUNCTION "report_satisfaction_refill"() RETURNS void LANGUAGE plpgsql SET work_mem = '256MB' AS $$
BEGIN
	TRUNCATE "report_satisfaction_daily";
	INSERT INTO "report_satisfaction_daily"
		("day", "dimension", "key", "ended", "answered", "rated", "satisfied", "rating_sum", "solved_answered", "solved_yes")
	SELECT x.day,
		CASE WHEN grouping(x.district) = 0 THEN 'district' WHEN grouping(x.category) = 0 THEN 'category'
		     WHEN grouping(x.queue) = 0 THEN 'queue' ELSE 'agent' END,
		CASE WHEN grouping(x.district) = 0 THEN x.district::text WHEN grouping(x.category) = 0 THEN x.category
		     WHEN grouping(x.queue) = 0 THEN x.queue ELSE x.agent_id::text END,
		count(*),
		count(*) FILTER (WHERE x.status = 'answered'),
		count(x.rating) FILTER (WHERE x.status = 'answered'),
		count(*) FILTER (WHERE x.status = 'answered' AND x.rating >= 4),
		coalesce(sum(x.rating) FILTER (WHERE x.status = 'answered'), 0),
		count(x.solved) FILTER (WHERE x.status = 'answered'),
		count(*) FILTER (WHERE x.status = 'answered' AND x.solved)
	FROM (
		SELECT (s.ended_at AT TIME ZONE 'Asia/Tehran')::date AS day, s.status, s.rating, s.solved, c.district, c.category, k.queue, k.agent_id
		FROM "surveys" s
		JOIN "cases" c ON c.id = s.case_id
		LEFT JOIN "calls" k ON k.id = c.call_id
		WHERE s.ended_at IS NOT NULL AND s.status IN ('answered', 'no_answer', 'failed', 'opted_out')
	) x
	GROUP BY GROUPING SETS ((x.day, x.district), (x.day, x.category), (x.day, x.queue), (x.day, x.agent_id));
END $$;
--> statement-breakpoint
-- Sums the per-agent rollup afresh from the rows: each source its own figures, as the triggers add them.
CREATE FUNCTION "report_agent_refill"() RETURNS void LANGUAGE plpgsql SET work_mem = '256MB' AS $$
BEGIN
	TRUNCATE "report_agent_daily";
	INSERT INTO "report_agent_daily" ("agent_id", "day", "rows", "answered", "handled", "talk_sec", "wrap_up_sec", "holds", "hold_sec",
		"missed_rings", "pause_break", "pause_lunch", "pause_training", "pause_meeting", "pause_after_call_work", "pause_missed",
		"cases_created", "surveys_answered", "reopened", "rated", "satisfied", "qa_evaluations", "qa_score_sum")
	SELECT agent_id, day, sum("rows"), sum(answered), sum(handled), sum(talk_sec), sum(wrap_up_sec), sum(holds), sum(hold_sec),
		sum(missed_rings), sum(pause_break), sum(pause_lunch), sum(pause_training), sum(pause_meeting), sum(pause_after_call_work), sum(pause_missed),
		sum(cases_created), sum(surveys_answered), sum(reopened), sum(rated), sum(satisfied), sum(qa_evaluations), sum(qa_score_sum)
	FROM (
		SELECT k.agent_id, (k.started_at AT TIME ZONE 'Asia/Tehran')::date AS day, count(*) AS "rows", count(*) AS answered,
			count(k.talk_seconds) AS handled, coalesce(sum(k.talk_seconds), 0) AS talk_sec,
			coalesce(sum(coalesce(k.wrap_up_seconds, 0)) FILTER (WHERE k.talk_seconds IS NOT NULL), 0) AS wrap_up_sec,
			0 AS holds, 0 AS hold_sec, 0 AS missed_rings, 0 AS pause_break, 0 AS pause_lunch, 0 AS pause_training, 0 AS pause_meeting,
			0 AS pause_after_call_work, 0 AS pause_missed, 0 AS cases_created, 0 AS surveys_answered, 0 AS reopened, 0 AS rated,
			0 AS satisfied, 0 AS qa_evaluations, 0::numeric AS qa_score_sum
		FROM "calls" k
		WHERE k.agent_id IS NOT NULL AND k.queue_result = 'answered'
		GROUP BY 1, 2
		UNION ALL
		SELECT a.agent_id, (a.started_at AT TIME ZONE 'Asia/Tehran')::date, count(*), 0, 0, 0, 0,
			count(*) FILTER (WHERE a.kind = 'hold'), coalesce(sum(a.seconds) FILTER (WHERE a.kind = 'hold'), 0),
			count(*) FILTER (WHERE a.kind = 'missed_ring'),
			coalesce(sum(a.seconds) FILTER (WHERE a.kind = 'pause' AND a.reason = 'break'), 0),
			coalesce(sum(a.seconds) FILTER (WHERE a.kind = 'pause' AND a.reason = 'lunch'), 0),
			coalesce(sum(a.seconds) FILTER (WHERE a.kind = 'pause' AND a.reason = 'training'), 0),
			coalesce(sum(a.seconds) FILTER (WHERE a.kind = 'pause' AND a.reason = 'meeting'), 0),
			coalesce(sum(a.seconds) FILTER (WHERE a.kind = 'pause' AND a.reason = 'after_call_work'), 0),
			coalesce(sum(a.seconds) FILTER (WHERE a.kind = 'pause' AND a.reason = 'missed'), 0),
			0, 0, 0, 0, 0, 0, 0
		FROM "agent_activity" a
		GROUP BY 1, 2
		UNION ALL
		SELECT k.agent_id, (c.created_at AT TIME ZONE 'Asia/Tehran')::date, count(*), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			count(*), 0, 0, 0, 0, 0, 0
		FROM "cases" c JOIN "calls" k ON k.id = c.call_id
		WHERE k.agent_id IS NOT NULL
		GROUP BY 1, 2
		UNION ALL
		SELECT k.agent_id, (s.ended_at AT TIME ZONE 'Asia/Tehran')::date, count(*), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			0, count(*), count(s.flagged_at), count(s.rating), count(*) FILTER (WHERE s.rating >= 4), 0, 0
		FROM "surveys" s JOIN "cases" c ON c.id = s.case_id JOIN "calls" k ON k.id = c.call_id
		WHERE s.status = 'answered' AND s.ended_at IS NOT NULL AND k.agent_id IS NOT NULL
		GROUP BY 1, 2
		UNION ALL
		SELECT e.agent_id, (e.call_started_at AT TIME ZONE 'Asia/Tehran')::date, count(*), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			0, 0, 0, 0, 0, count(*), coalesce(sum(e.score::numeric), 0)
		FROM "qa_evaluations" e
		WHERE e.agent_id IS NOT NULL
		GROUP BY 1, 2
	) g
	GROUP BY 1, 2;
END $$;
--> statement-breakpoint
-- A truncated source table (the tests empty tables this way) leaves the rollups summed afresh
-- from what is left: quick on the emptied tables, exact whichever were emptied.
CREATE FUNCTION "report_people_rollup_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM "report_satisfaction_refill"();
	PERFORM "report_agent_refill"();
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "calls_people_rollup_truncate" AFTER TRUNCATE ON "calls" FOR EACH STATEMENT EXECUTE FUNCTION "report_people_rollup_truncate"();
--> statement-breakpoint
CREATE TRIGGER "cases_people_rollup_truncate" AFTER TRUNCATE ON "cases" FOR EACH STATEMENT EXECUTE FUNCTION "report_people_rollup_truncate"();
--> statement-breakpoint
CREATE TRIGGER "surveys_people_rollup_truncate" AFTER TRUNCATE ON "surveys" FOR EACH STATEMENT EXECUTE FUNCTION "report_people_rollup_truncate"();
--> statement-breakpoint
CREATE TRIGGER "agent_activity_people_rollup_truncate" AFTER TRUNCATE ON "agent_activity" FOR EACH STATEMENT EXECUTE FUNCTION "report_people_rollup_truncate"();
--> statement-breakpoint
CREATE TRIGGER "qa_evaluations_people_rollup_truncate" AFTER TRUNCATE ON "qa_evaluations" FOR EACH STATEMENT EXECUTE FUNCTION "report_people_rollup_truncate"();
--> statement-breakpoint
-- citizen_contacts (0028) written afresh from the rows, with 0028's backfill: a bulk load with
-- the row triggers off (scripts/seed-year.ts) needs it as much as the rollups.
CREATE FUNCTION "citizen_contacts_refill"() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	TRUNCATE "citizen_contacts";
	INSERT INTO "citizen_contacts" ("id", "citizen", "at", "topic", "district", "repeat", "followed", "citizen_since")
	SELECT k.id, k.citizen, k.at, k.topic, k.district,
	       k.topic IS NOT NULL AND count(*) OVER (PARTITION BY k.citizen, k.topic ORDER BY k.at RANGE BETWEEN interval '604800 seconds' PRECEDING AND CURRENT ROW EXCLUDE GROUP) > 0,
	       k.topic IS NOT NULL AND count(*) OVER (PARTITION BY k.citizen, k.topic ORDER BY k.at RANGE BETWEEN CURRENT ROW AND interval '604800 seconds' FOLLOWING EXCLUDE GROUP) > 0,
	       min(k.at) OVER (PARTITION BY k.citizen)
	FROM (
		SELECT c.id, c.caller AS citizen, c.started_at AS at, c.category AS topic, c.district
		FROM "calls" c
		WHERE c.direction = 'inbound' AND c.caller ~ '^0[1-9][0-9]{9}$'
		UNION ALL
		SELECT c.id, c.caller_phone, c.created_at, c.category, c.district
		FROM "cases" c
		WHERE c.call_id IS NULL AND c.caller_phone IS NOT NULL
	) k;
END $$;
--> statement-breakpoint
-- report_rollups_refill (the bulk loads' one call, scripts/seed-year.ts) now sums every rollup
-- and citizen_contacts: 0027's body keeps its work under a name of its own.
ALTER FUNCTION "report_rollups_refill"() RENAME TO "report_calls_cases_refill";
--> statement-breakpoint
CREATE FUNCTION "report_rollups_refill"() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	PERFORM "report_calls_cases_refill"();
	PERFORM "citizen_contacts_refill"();
	PERFORM "report_satisfaction_refill"();
	PERFORM "report_agent_refill"();
END $$;
--> statement-breakpoint
-- The backfill of the rows already there.
SELECT "report_satisfaction_refill"();
--> statement-breakpoint
SELECT "report_agent_refill"();
--> statement-breakpoint
ANALYZE "report_satisfaction_daily", "report_agent_daily";
