-- Every contact of a citizen with its flags set at write time, so the citizen report sums a period instead of windowing all its contacts (docs/benchmarks.md).
-- Kept by triggers on calls and cases: every writer (repositories, the fallback import, hand-made rows) keeps it true.
-- The 7 days are 604800 seconds, not '7 days', which would follow the session time zone's clock changes.
CREATE TABLE "citizen_contacts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"citizen" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"topic" text,
	"district" smallint,
	"repeat" boolean DEFAULT false NOT NULL,
	"followed" boolean DEFAULT false NOT NULL,
	"citizen_since" timestamp with time zone NOT NULL
);
--> statement-breakpoint
-- The existing calls and call-less cases, with their flags from window functions; EXCLUDE GROUP leaves out contacts at the same instant, which the definitions do not count.
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
--> statement-breakpoint
CREATE INDEX "citizen_contacts_issue_idx" ON "citizen_contacts" USING btree ("citizen","topic","at");
--> statement-breakpoint
CREATE INDEX "citizen_contacts_report_idx" ON "citizen_contacts" USING btree ("at","citizen","topic","district","repeat","followed","citizen_since");
--> statement-breakpoint
-- After a contact of this citizen on this topic at this instant was written or removed: the flags of the contacts within 7 days of it, and the citizen's first contact.
CREATE FUNCTION citizen_contacts_refresh(p_citizen text, p_topic text, p_at timestamptz) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	IF p_topic IS NOT NULL THEN
		UPDATE citizen_contacts c SET "repeat" = f.repeat, followed = f.followed
		FROM (
			SELECT n.id,
			       EXISTS (SELECT 1 FROM citizen_contacts p WHERE p.citizen = n.citizen AND p.topic = n.topic AND p.at < n.at AND p.at >= n.at - interval '604800 seconds') AS repeat,
			       EXISTS (SELECT 1 FROM citizen_contacts p WHERE p.citizen = n.citizen AND p.topic = n.topic AND p.at > n.at AND p.at <= n.at + interval '604800 seconds') AS followed
			FROM citizen_contacts n
			WHERE n.citizen = p_citizen AND n.topic = p_topic
			  AND n.at BETWEEN p_at - interval '604800 seconds' AND p_at + interval '604800 seconds'
		) f
		WHERE c.id = f.id AND (c.repeat, c.followed) IS DISTINCT FROM (f.repeat, f.followed);
	END IF;
	UPDATE citizen_contacts c SET citizen_since = s.since
	FROM (SELECT min(at) AS since FROM citizen_contacts WHERE citizen = p_citizen) s
	WHERE c.citizen = p_citizen AND c.citizen_since IS DISTINCT FROM s.since;
END $$;
--> statement-breakpoint
-- Writes (or, with a null citizen, removes) the contact `p_id` and refreshes around the old and the new one.
CREATE FUNCTION citizen_contacts_put(p_id uuid, p_citizen text, p_at timestamptz, p_topic text, p_district smallint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	old_row citizen_contacts%ROWTYPE;
BEGIN
	-- One writer per citizen at a time: two contacts written at once must each see the other to set their flags.
	IF p_citizen IS NOT NULL THEN
		PERFORM pg_advisory_xact_lock(1370028, hashtext(p_citizen));
	END IF;
	DELETE FROM citizen_contacts WHERE id = p_id RETURNING * INTO old_row;
	IF p_citizen IS NOT NULL THEN
		INSERT INTO citizen_contacts (id, citizen, at, topic, district, citizen_since) VALUES (p_id, p_citizen, p_at, p_topic, p_district, p_at);
		PERFORM citizen_contacts_refresh(p_citizen, p_topic, p_at);
	END IF;
	IF old_row.id IS NOT NULL AND (p_citizen IS NULL OR (old_row.citizen, old_row.topic, old_row.at) IS DISTINCT FROM (p_citizen, p_topic, p_at)) THEN
		IF old_row.citizen IS DISTINCT FROM p_citizen THEN
			PERFORM pg_advisory_xact_lock(1370028, hashtext(old_row.citizen));
		END IF;
		PERFORM citizen_contacts_refresh(old_row.citizen, old_row.topic, old_row.at);
	END IF;
END $$;
--> statement-breakpoint
-- A call is a contact when it is inbound from a citizen's number (domain/phone.ts's normalised form).
CREATE FUNCTION citizen_contacts_from_call() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		PERFORM citizen_contacts_put(OLD.id, NULL, NULL, NULL, NULL);
	ELSIF NEW.direction = 'inbound' AND NEW.caller ~ '^0[1-9][0-9]{9}$' THEN
		PERFORM citizen_contacts_put(NEW.id, NEW.caller, NEW.started_at, NEW.category, NEW.district);
	ELSIF TG_OP = 'UPDATE' THEN
		PERFORM citizen_contacts_put(NEW.id, NULL, NULL, NULL, NULL);
	END IF;
	RETURN NULL;
END $$;
--> statement-breakpoint
-- A case is a contact when it has a citizen's number and no call opened it.
CREATE FUNCTION citizen_contacts_from_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		PERFORM citizen_contacts_put(OLD.id, NULL, NULL, NULL, NULL);
	ELSIF NEW.call_id IS NULL AND NEW.caller_phone IS NOT NULL THEN
		PERFORM citizen_contacts_put(NEW.id, NEW.caller_phone, NEW.created_at, NEW.category, NEW.district);
	ELSIF TG_OP = 'UPDATE' THEN
		PERFORM citizen_contacts_put(NEW.id, NULL, NULL, NULL, NULL);
	END IF;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "calls_citizen_contacts" AFTER INSERT OR DELETE OR UPDATE OF "caller", "direction", "started_at", "category", "district" ON "calls" FOR EACH ROW EXECUTE FUNCTION citizen_contacts_from_call();
--> statement-breakpoint
CREATE TRIGGER "cases_citizen_contacts" AFTER INSERT OR DELETE OR UPDATE OF "call_id", "caller_phone", "created_at", "category", "district" ON "cases" FOR EACH ROW EXECUTE FUNCTION citizen_contacts_from_case();
