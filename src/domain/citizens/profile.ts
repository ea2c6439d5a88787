/**
 * What the agent sees of the citizen on the screen pop, from their number's past: a repeat
 * caller (a contact in the 7 days before this call; on the same topic, which is what the
 * repeat contact rate counts), open cases, the last satisfaction survey they answered,
 * and whether they asked never to be called back. Pure: the rows are read elsewhere.
 */
import { FINISHED_STATUSES } from '../reports/sla.js';
import { REPEAT_WINDOW_MS, isDissatisfied } from '../reports/loyalty.js';
import type { CaseCategory, CaseStatus } from '../cases/case.js';

export interface LastSatisfaction {
  rating: number | null;
  solved: boolean | null;
  endedAt: string;
  /** Rated 1–2 or "not solved": the citizen counts as dissatisfied. */
  dissatisfied: boolean;
}

export interface CitizenSnapshot {
  phone: string;
  /** Contacts before this call (calls and cases seen on the screen pop's history). */
  previousContacts: number;
  /** A contact in the 7 days before this call. */
  repeatCaller: boolean;
  /** …about this call's topic: this call is a repeat contact. */
  repeatSameTopic: boolean;
  openCases: number;
  lastSatisfaction: LastSatisfaction | null;
  doNotCall: boolean;
}

/** Reads for the snapshot beyond the history the screen pop already loads. Implemented in adapters/db. */
export interface CitizenRepo {
  /** The latest answered satisfaction survey of this number, if any. */
  lastAnsweredSurvey(phone: string): Promise<{ rating: number | null; solved: boolean | null; endedAt: Date } | null>;
  onDoNotCall(phone: string): Promise<boolean>;
}

export function citizenSnapshot(input: {
  phone: string;
  /** This call. */
  at: Date;
  topic: CaseCategory | null;
  /** Earlier contacts: calls (other than this one) and cases no call opened. */
  contacts: readonly { at: Date; topic: CaseCategory | null }[];
  cases: readonly { status: CaseStatus }[];
  lastSurvey: { rating: number | null; solved: boolean | null; endedAt: Date } | null;
  doNotCall: boolean;
}): CitizenSnapshot {
  const recent = input.contacts.filter((c) => c.at < input.at && input.at.getTime() - c.at.getTime() <= REPEAT_WINDOW_MS);
  const finished = new Set<string>(FINISHED_STATUSES);
  return {
    phone: input.phone,
    previousContacts: input.contacts.filter((c) => c.at < input.at).length,
    repeatCaller: recent.length > 0,
    repeatSameTopic: input.topic !== null && recent.some((c) => c.topic === input.topic),
    openCases: input.cases.filter((c) => !finished.has(c.status)).length,
    lastSatisfaction: input.lastSurvey
      ? { rating: input.lastSurvey.rating, solved: input.lastSurvey.solved, endedAt: input.lastSurvey.endedAt.toISOString(), dissatisfied: isDissatisfied(input.lastSurvey) }
      : null,
    doNotCall: input.doNotCall,
  };
}
