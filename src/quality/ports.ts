import type { QueueName } from '../domain/cases/case.js';
import type { Answers, Criterion, DisputeStatus } from './domain/scoring.js';

export interface QaForm {
  id: string;
  name: string;
  criteria: Criterion[];
  createdBy: string;
  createdAt: Date;
  archivedAt: Date | null;
}

export interface QaEvaluation {
  id: string;
  recordingId: string;
  formId: string;
  callId: string;
  agentId: string | null;
  queue: QueueName | null;
  evaluatorId: string;
  answers: Answers;
  score: number;
  criticalFailed: boolean;
  comment: string | null;
  createdAt: Date;
  callStartedAt: Date;
  disputeStatus: DisputeStatus | null;
  disputeReason: string | null;
  disputedAt: Date | null;
  resolvedBy: string | null;
  resolvedAt: Date | null;
  resolutionNote: string | null;
}

export type NewQaEvaluation = Omit<QaEvaluation, 'id' | 'createdAt' | 'disputeStatus' | 'disputeReason' | 'disputedAt' | 'resolvedBy' | 'resolvedAt' | 'resolutionNote'>;

export interface QaRepo {
  createForm(input: { name: string; criteria: Criterion[]; createdBy: string }): Promise<QaForm>;
  listForms(): Promise<QaForm[]>;
  findForm(id: string): Promise<QaForm | null>;
  /** Null when this evaluator already scored this recording. */
  createEvaluation(input: NewQaEvaluation): Promise<QaEvaluation | null>;
  findEvaluation(id: string): Promise<QaEvaluation | null>;
  listEvaluations(filter: { agentId?: string; recordingId?: string; disputeStatus?: DisputeStatus; from?: Date; to?: Date; limit?: number }): Promise<QaEvaluation[]>;
  /** Sets the dispute fields when the current status is `expected`; false when it was not. */
  updateDispute(id: string, expected: DisputeStatus | null, set: Partial<Pick<QaEvaluation, 'disputeStatus' | 'disputeReason' | 'disputedAt' | 'resolvedBy' | 'resolvedAt' | 'resolutionNote' | 'answers' | 'score' | 'criticalFailed'>>): Promise<boolean>;
}
