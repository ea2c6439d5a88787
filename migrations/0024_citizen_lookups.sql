-- The screen pop reads a caller's latest answered survey, and the citizen report each citizen's last one before its period.
CREATE INDEX "surveys_phone_answered_idx" ON "surveys" USING btree ("phone","ended_at") WHERE "surveys"."status" = 'answered';
