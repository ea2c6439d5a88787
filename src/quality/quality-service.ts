import { hotlineError } from '../domain/errors.js';
import type { CallRecording, RecordingFilter } from '../recordings/ports.js';
import { periodKey, type Period } from './domain/periods.js';
import { answerProblems, calibration, formProblems, qaReport, scoreOf, weeklySample, type Answers, type Criterion, type DisputeStatus, type QaGrouping } from './domain/scoring.js';
import type { QaEvaluation, QaForm, QaRepo } from './ports.js';

/** Who acts: a user id ('admin' for the admin token) and role. */
export interface Actor {
  id: string;
  role: string;
}

const validation = (problems: string[], field: string) =>
  hotlineError('HOTLINE_ERR_VALIDATION', problems.join('; '), { in: 'body', field, problems });

/**
 * The quality team's work on recorded calls: forms, scoring, the agent's view and
 * disputes, calibration between supervisors, the weekly sample and the reports.
 */
export function createQualityService(deps: {
  repo: QaRepo;
  recordings: { find(id: string): Promise<CallRecording | null>; list(filter: RecordingFilter): Promise<CallRecording[]> };
  now: () => Date;
}) {
  async function recordingOf(id: string): Promise<CallRecording> {
    const found = /^[0-9a-f-]{36}$/i.test(id) ? await deps.recordings.find(id) : null;
    if (!found) throw hotlineError('HOTLINE_ERR_RECORDING_NOT_FOUND', 'No such recording', { id });
    return found;
  }
  async function formOf(id: string): Promise<QaForm> {
    const found = /^[0-9a-f-]{36}$/i.test(id) ? await deps.repo.findForm(id) : null;
    if (!found) throw hotlineError('HOTLINE_ERR_NOT_FOUND', 'No such evaluation form', { id });
    return found;
  }
  async function evaluationOf(id: string): Promise<QaEvaluation> {
    const found = /^[0-9a-f-]{36}$/i.test(id) ? await deps.repo.findEvaluation(id) : null;
    if (!found) throw hotlineError('HOTLINE_ERR_NOT_FOUND', 'No such evaluation', { id });
    return found;
  }

  return {
    async createForm(input: { name: string; criteria: Criterion[] }, actor: Actor): Promise<QaForm> {
      const problems = formProblems(input.criteria);
      if (problems.length > 0) throw validation(problems, 'criteria');
      return deps.repo.createForm({ name: input.name, criteria: input.criteria, createdBy: actor.id });
    },
    listForms: () => deps.repo.listForms(),

    /** A supervisor scores a recorded call; a second supervisor on the same call is calibration. */
    async evaluate(input: { recordingId: string; formId: string; answers: Answers; comment?: string | undefined }, actor: Actor): Promise<QaEvaluation> {
      const recording = await recordingOf(input.recordingId);
      const form = await formOf(input.formId);
      const problems = answerProblems(form.criteria, input.answers);
      if (problems.length > 0) throw validation(problems, 'answers');
      const { score, criticalFailed } = scoreOf(form.criteria, input.answers);
      const created = await deps.repo.createEvaluation({
        recordingId: recording.id,
        formId: form.id,
        callId: recording.callId,
        agentId: recording.agentId,
        queue: recording.queue,
        evaluatorId: actor.id,
        answers: input.answers,
        score,
        criticalFailed,
        comment: input.comment ?? null,
        callStartedAt: recording.startedAt,
      });
      if (!created) throw hotlineError('HOTLINE_ERR_CONFLICT', 'You have already scored this call', { recordingId: recording.id });
      return created;
    },

    /** Supervisors see every evaluation; an agent only those of their own calls. */
    async evaluations(filter: { agentId?: string; recordingId?: string; disputeStatus?: DisputeStatus }, actor: Actor): Promise<QaEvaluation[]> {
      return deps.repo.listEvaluations({ ...filter, ...(actor.role === 'agent' ? { agentId: actor.id } : {}), limit: 200 });
    },

    /** The agent disputes a score of one of their calls, once. */
    async dispute(id: string, reason: string, actor: Actor): Promise<QaEvaluation> {
      const evaluation = await evaluationOf(id);
      if (evaluation.agentId !== actor.id) throw hotlineError('HOTLINE_ERR_NOT_FOUND', 'No such evaluation', { id });
      const ok = await deps.repo.updateDispute(id, null, { disputeStatus: 'open', disputeReason: reason, disputedAt: deps.now() });
      if (!ok) throw hotlineError('HOTLINE_ERR_CONFLICT', 'This score has already been disputed', { id });
      return evaluationOf(id);
    },

    /** A supervisor settles an open dispute: the score stands (upheld) or is revised with new answers. */
    async resolve(id: string, input: { outcome: 'upheld' | 'revised'; note: string; answers?: Answers | undefined }, actor: Actor): Promise<QaEvaluation> {
      const evaluation = await evaluationOf(id);
      let revised = {};
      if (input.outcome === 'revised') {
        if (!input.answers) throw validation(['A revised score needs the new answers'], 'answers');
        const form = await formOf(evaluation.formId);
        const problems = answerProblems(form.criteria, input.answers);
        if (problems.length > 0) throw validation(problems, 'answers');
        revised = { answers: input.answers, ...scoreOf(form.criteria, input.answers) };
      }
      const ok = await deps.repo.updateDispute(id, 'open', { disputeStatus: input.outcome, resolutionNote: input.note, resolvedBy: actor.id, resolvedAt: deps.now(), ...revised });
      if (!ok) throw hotlineError('HOTLINE_ERR_CONFLICT', 'This evaluation has no open dispute', { id });
      return evaluationOf(id);
    },

    /** Every evaluation of one call and how far they differ. */
    async calibration(recordingId: string) {
      const recording = await recordingOf(recordingId);
      const evaluations = await deps.repo.listEvaluations({ recordingId: recording.id });
      return { recordingId: recording.id, evaluations, calibration: calibration(evaluations) };
    },

    /** This week's proposed calls per agent: recorded, still kept, not yet scored. */
    async weeklySample(week: { from: Date; to: Date; key: string }, perAgent: number) {
      const recordings = await deps.recordings.list({ from: week.from, to: week.to, kept: true, limit: 10_000 });
      const scored = new Set((await deps.repo.listEvaluations({ from: week.from, to: week.to })).map((e) => e.recordingId));
      const candidates = recordings.filter((r) => r.agentId && !scored.has(r.id)).map((r) => ({ recordingId: r.id, agentId: r.agentId! }));
      const byId = new Map(recordings.map((r) => [r.id, r]));
      return weeklySample(candidates, perAgent, week.key).map((c) => byId.get(c.recordingId)!);
    },

    /** Mean scores by agent, team, queue or criterion over a period, with the trend per day, week or month. */
    async report(range: { from: Date; to: Date }, by: QaGrouping, period: Period, teamOf: (agentId: string | null) => string | null) {
      const evaluations = await deps.repo.listEvaluations({ from: range.from, to: range.to });
      return qaReport(
        evaluations.map((e) => ({
          agentId: e.agentId,
          team: teamOf(e.agentId),
          queue: e.queue,
          period: periodKey(e.callStartedAt, period),
          score: e.score,
          criticalFailed: e.criticalFailed,
          answers: e.answers,
        })),
        by,
      );
    },
  };
}

export type QualityService = ReturnType<typeof createQualityService>;

/** What the API is handed: the service, and each agent's team (the queue of their first skill) for the reports. */
export interface QualityApi {
  service: QualityService;
  teams: () => Promise<ReadonlyMap<string, string>>;
}
