/**
 * Quality evaluation, pure: a form is weighted criteria, some critical; an evaluation
 * answers each criterion with how far it was met (0–100, critical ones pass 100 or fail 0,
 * null where it did not apply). The score is the weighted mean of the answered criteria,
 * and a failed critical criterion makes the whole call 0, whatever the rest.
 */

export interface Criterion {
  /** Stable within the form: answers and reports refer to it. */
  id: string;
  label: string;
  /** 1–100, relative to the other criteria. */
  weight: number;
  critical: boolean;
}

/** Criterion id → 0..100, or null: not applicable on this call. */
export type Answers = Record<string, number | null>;

export const DISPUTE_STATUSES = ['open', 'upheld', 'revised'] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];

export const MAX_CRITERIA = 30;

/** What is wrong with a form or an evaluation, in words a supervisor can act on; empty when nothing is. */
export function formProblems(criteria: readonly Criterion[]): string[] {
  const problems: string[] = [];
  if (criteria.length === 0) problems.push('A form needs at least one criterion');
  if (criteria.length > MAX_CRITERIA) problems.push(`A form has at most ${MAX_CRITERIA} criteria`);
  const seen = new Set<string>();
  for (const c of criteria) {
    if (!/^[a-z0-9_-]{1,40}$/.test(c.id)) problems.push(`Criterion id "${c.id}" must be 1–40 of a-z, 0-9, _ and -`);
    if (seen.has(c.id)) problems.push(`Criterion id "${c.id}" is used twice`);
    seen.add(c.id);
    if (!Number.isInteger(c.weight) || c.weight < 1 || c.weight > 100) problems.push(`Criterion "${c.id}": weight must be a whole number from 1 to 100`);
    if (c.label.trim() === '') problems.push(`Criterion "${c.id}" has no label`);
  }
  if (criteria.length > 0 && criteria.every((c) => c.critical)) problems.push('At least one criterion must be scored, not only pass/fail');
  return problems;
}

export function answerProblems(criteria: readonly Criterion[], answers: Answers): string[] {
  const problems: string[] = [];
  const ids = new Set(criteria.map((c) => c.id));
  for (const id of Object.keys(answers)) if (!ids.has(id)) problems.push(`"${id}" is not a criterion of this form`);
  for (const c of criteria) {
    if (!(c.id in answers)) {
      problems.push(`"${c.id}" is not answered (null if it does not apply)`);
      continue;
    }
    const value = answers[c.id];
    if (value === null) {
      if (c.critical) problems.push(`"${c.id}" is critical: it passes (100) or fails (0), it cannot be left out`);
      continue;
    }
    if (c.critical ? value !== 0 && value !== 100 : !Number.isInteger(value) || value! < 0 || value! > 100) {
      problems.push(c.critical ? `"${c.id}" is critical: 100 (pass) or 0 (fail)` : `"${c.id}" must be a whole number from 0 to 100`);
    }
  }
  if (problems.length === 0 && criteria.every((c) => c.critical || answers[c.id] === null)) {
    problems.push('At least one scored criterion must apply');
  }
  return problems;
}

export interface Score {
  /** 0..100, one decimal. */
  score: number;
  criticalFailed: boolean;
}

/** The score of valid answers (see answerProblems). */
export function scoreOf(criteria: readonly Criterion[], answers: Answers): Score {
  const criticalFailed = criteria.some((c) => c.critical && answers[c.id] === 0);
  let weighted = 0;
  let weights = 0;
  for (const c of criteria) {
    const value = answers[c.id];
    if (c.critical || value === null || value === undefined) continue;
    weighted += c.weight * value;
    weights += c.weight;
  }
  const mean = weights === 0 ? 0 : weighted / weights;
  return { score: criticalFailed ? 0 : round1(mean), criticalFailed };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

export interface Calibration {
  evaluations: number;
  mean: number;
  /** Population variance of the scores (points²). */
  variance: number;
  /** Highest minus lowest score: what a calibration session talks about. */
  spread: number;
  /** Whether the evaluators disagree on a critical failure. */
  criticalDisagreement: boolean;
}

/** How far supervisors scoring the same call differ; null with fewer than two scores. */
export function calibration(scores: readonly Score[]): Calibration | null {
  if (scores.length < 2) return null;
  const values = scores.map((s) => s.score);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
  const failed = scores.filter((s) => s.criticalFailed).length;
  return {
    evaluations: scores.length,
    mean: round1(mean),
    variance: round1(variance),
    spread: round1(Math.max(...values) - Math.min(...values)),
    criticalDisagreement: failed > 0 && failed < scores.length,
  };
}

/** A recorded call that may be proposed for evaluation. */
export interface Candidate {
  recordingId: string;
  agentId: string;
}

/**
 * Each agent's random sample for a week: `perAgent` of their recorded calls not yet
 * evaluated. Random but reproducible from the week (the seed): the proposal does not
 * change each time the page is opened, and a supervisor cannot pick the easy calls.
 */
export function weeklySample(candidates: readonly Candidate[], perAgent: number, seed: string): Candidate[] {
  const byAgent = new Map<string, Candidate[]>();
  for (const c of candidates) byAgent.set(c.agentId, [...(byAgent.get(c.agentId) ?? []), c]);
  const picked: Candidate[] = [];
  for (const agentId of [...byAgent.keys()].sort()) {
    const ranked = byAgent
      .get(agentId)!
      .map((c) => ({ c, rank: hash(`${seed}:${c.recordingId}`) }))
      .sort((a, b) => a.rank - b.rank || a.c.recordingId.localeCompare(b.c.recordingId));
    picked.push(...ranked.slice(0, perAgent).map((r) => r.c));
  }
  return picked;
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** An evaluation as the reports see it. */
export interface ScoredCall {
  agentId: string | null;
  team: string | null;
  queue: string | null;
  period: string;
  score: number;
  criticalFailed: boolean;
  answers: Answers;
}

export const QA_GROUPINGS = ['agent', 'team', 'queue', 'criterion'] as const;
export type QaGrouping = (typeof QA_GROUPINGS)[number];

export interface QaRow {
  key: string | null;
  evaluations: number;
  /** Mean score (0..100), or for `criterion` the mean answer; null with nothing measured. */
  meanScore: number | null;
  criticalFailRate: number | null;
  /** Mean per period, oldest first: the trend. */
  trend: { period: string; meanScore: number; evaluations: number }[];
}

/**
 * Mean scores per agent, team (the agent's queue team), queue or criterion, each with its
 * trend over the periods. For `criterion`, every answered (not null) criterion counts.
 */
export function qaReport(calls: readonly ScoredCall[], by: QaGrouping): QaRow[] {
  type Acc = { n: number; sum: number; failed: number; periods: Map<string, { n: number; sum: number }> };
  const groups = new Map<string | null, Acc>();
  const add = (key: string | null, value: number, period: string, failed: boolean) => {
    const acc = groups.get(key) ?? { n: 0, sum: 0, failed: 0, periods: new Map() };
    acc.n++;
    acc.sum += value;
    if (failed) acc.failed++;
    const p = acc.periods.get(period) ?? { n: 0, sum: 0 };
    p.n++;
    p.sum += value;
    acc.periods.set(period, p);
    groups.set(key, acc);
  };
  for (const call of calls) {
    if (by === 'criterion') {
      for (const [id, value] of Object.entries(call.answers)) if (value !== null) add(id, value, call.period, value === 0);
    } else {
      add(by === 'agent' ? call.agentId : call[by], call.score, call.period, call.criticalFailed);
    }
  }
  return [...groups.entries()]
    .map(([key, acc]) => ({
      key,
      evaluations: acc.n,
      meanScore: acc.n ? round1(acc.sum / acc.n) : null,
      criticalFailRate: acc.n ? Math.round((acc.failed / acc.n) * 1000) / 1000 : null,
      trend: [...acc.periods.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([period, p]) => ({ period, meanScore: round1(p.sum / p.n), evaluations: p.n })),
    }))
    .sort((a, b) => String(a.key).localeCompare(String(b.key)));
}
