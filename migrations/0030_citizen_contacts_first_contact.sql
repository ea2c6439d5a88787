-- A citizen's first contact kept without reading every contact of the citizen at each write.
-- 0028 recomputed min(at) over all of a citizen's contacts, and compared every one of their
-- rows, at every write: a number that calls often (a shared line, a building's
-- trunk) made each of its calls' statements a little slower than the last, without end.
-- Every contact of a citizen carries the same citizen_since, so one row tells it; all of
-- them are rewritten only when the first contact itself changes (an earlier one is written,
-- or the first one goes or moves), which a live hotline almost never does.
CREATE FUNCTION citizen_contacts_flags(p_citizen text, p_topic text, p_at timestamptz) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
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
END $$;
--> statement-breakpoint
-- Every contact of the citizen gets the citizen's first contact afresh: the rare path.
CREATE FUNCTION citizen_contacts_first(p_citizen text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	UPDATE citizen_contacts c SET citizen_since = s.since
	FROM (SELECT min(at) AS since FROM citizen_contacts WHERE citizen = p_citizen) s
	WHERE c.citizen = p_citizen AND c.citizen_since IS DISTINCT FROM s.since;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION citizen_contacts_put(p_id uuid, p_citizen text, p_at timestamptz, p_topic text, p_district smallint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	old_row citizen_contacts%ROWTYPE;
	since timestamptz;
BEGIN
	-- One writer per citizen at a time: two contacts written at once must each see the other to set their flags.
	IF p_citizen IS NOT NULL THEN
		PERFORM pg_advisory_xact_lock(1370028, hashtext(p_citizen));
	END IF;
	DELETE FROM citizen_contacts WHERE id = p_id RETURNING * INTO old_row;
	IF p_citizen IS NOT NULL THEN
		-- The citizen's first contact so far, from any one of their other contacts (null: none).
		SELECT c.citizen_since INTO since FROM citizen_contacts c WHERE c.citizen = p_citizen LIMIT 1;
		INSERT INTO citizen_contacts (id, citizen, at, topic, district, citizen_since) VALUES (p_id, p_citizen, p_at, p_topic, p_district, LEAST(since, p_at));
		IF since > p_at THEN
			UPDATE citizen_contacts SET citizen_since = p_at WHERE citizen = p_citizen AND id <> p_id;
		END IF;
		IF p_topic IS NOT NULL THEN
			PERFORM citizen_contacts_flags(p_citizen, p_topic, p_at);
		END IF;
	END IF;
	IF old_row.id IS NOT NULL AND (p_citizen IS NULL OR (old_row.citizen, old_row.topic, old_row.at) IS DISTINCT FROM (p_citizen, p_topic, p_at)) THEN
		IF old_row.citizen IS DISTINCT FROM p_citizen THEN
			PERFORM pg_advisory_xact_lock(1370028, hashtext(old_row.citizen));
		END IF;
		IF old_row.topic IS NOT NULL THEN
			PERFORM citizen_contacts_flags(old_row.citizen, old_row.topic, old_row.at);
		END IF;
		-- The contact that went, or moved, was its citizen's first: the others learn the new first.
		IF old_row.at = old_row.citizen_since AND (p_citizen IS DISTINCT FROM old_row.citizen OR p_at IS DISTINCT FROM old_row.at) THEN
			PERFORM citizen_contacts_first(old_row.citizen);
		END IF;
	END IF;
END $$;
--> statement-breakpoint
DROP FUNCTION citizen_contacts_refresh(text, text, timestamptz);
