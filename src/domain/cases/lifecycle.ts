/**
 * Which status changes a case may go through, and who may make them. Pure: the HTTP
 * route and the dispatch worker both ask here before the repository writes anything.
 */
import type { CaseStatus } from './case.js';

/** Who acts on a case. `system` is the service itself (the dispatch worker). */
export const ACTOR_ROLES = ['admin', 'supervisor', 'agent', 'district', 'system'] as const;
export type ActorRole = (typeof ACTOR_ROLES)[number];

export interface Actor {
  role: ActorRole;
  /** For role `district`: the one district this user acts for. */
  district?: number | null;
}

/** Every edge of the lifecycle graph; anything else is refused whoever asks. */
export const TRANSITIONS: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  new: ['dispatched', 'rejected', 'duplicate'],
  dispatched: ['acknowledged', 'rejected', 'duplicate'],
  acknowledged: ['in_progress', 'resolved', 'rejected', 'duplicate'],
  in_progress: ['resolved'],
  resolved: ['closed', 'reopened'],
  closed: ['reopened'],
  rejected: ['reopened'],
  duplicate: ['reopened'],
  reopened: ['dispatched', 'acknowledged', 'in_progress', 'rejected', 'duplicate'],
};

type Edge = `${CaseStatus}->${CaseStatus}`;

/**
 * The district works the case; 137's agents triage it (wrong address, repeated report)
 * and close or reopen it after talking to the citizen; the service itself only marks
 * delivery. Supervisors and admins may take any edge of the graph.
 */
const ROLE_EDGES: Readonly<Record<Exclude<ActorRole, 'admin' | 'supervisor'>, ReadonlySet<Edge>>> = {
  district: new Set<Edge>([
    'dispatched->acknowledged',
    'acknowledged->in_progress',
    'acknowledged->resolved',
    'in_progress->resolved',
    'reopened->acknowledged',
    'reopened->in_progress',
  ]),
  agent: new Set<Edge>([
    'new->rejected',
    'new->duplicate',
    'dispatched->rejected',
    'dispatched->duplicate',
    'acknowledged->rejected',
    'acknowledged->duplicate',
    'reopened->rejected',
    'reopened->duplicate',
    'resolved->closed',
    'resolved->reopened',
    'closed->reopened',
  ]),
  system: new Set<Edge>(['new->dispatched', 'reopened->dispatched']),
};

/** Changes that must say why: the citizen is told the outcome, supervisors audit it. */
export const NOTE_REQUIRED: readonly CaseStatus[] = ['resolved', 'rejected', 'reopened'];

export type TransitionCheck =
  | { ok: true }
  /** `not_allowed`: no such edge for anyone; `role`: not for this role; `district`: not this user's case; `note`: a note is required. */
  | { ok: false; reason: 'not_allowed' | 'role' | 'district' | 'note' };

export function isTransition(from: CaseStatus, to: CaseStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Whether `actor` may move a case of `caseDistrict` from `from` to `to` (with `note`). */
export function checkTransition(
  from: CaseStatus,
  to: CaseStatus,
  actor: Actor,
  caseDistrict: number | null,
  note?: string | null,
): TransitionCheck {
  if (!isTransition(from, to)) return { ok: false, reason: 'not_allowed' };
  if (actor.role === 'district' && (actor.district == null || actor.district !== caseDistrict)) {
    return { ok: false, reason: 'district' };
  }
  if (actor.role !== 'admin' && actor.role !== 'supervisor' && !ROLE_EDGES[actor.role].has(`${from}->${to}`)) {
    return { ok: false, reason: 'role' };
  }
  if (NOTE_REQUIRED.includes(to) && !note?.trim()) return { ok: false, reason: 'note' };
  return { ok: true };
}

/** Who may route a case to a district (or to another one). */
export function maySetDistrict(actor: Actor): boolean {
  return actor.role === 'admin' || actor.role === 'supervisor' || actor.role === 'agent';
}

/** Where a case may be sent to a district: not once it is finished. */
export function isRoutable(status: CaseStatus): boolean {
  return !['resolved', 'closed', 'rejected', 'duplicate'].includes(status);
}

/** Who may change a case's category: those who may route it (they classify what they route). */
export function mayReclassify(actor: Actor): boolean {
  return maySetDistrict(actor);
}

/** Triage of many cases at once is a back-office desk's job, not an agent's between calls. */
export function mayBulkTriage(actor: Actor): boolean {
  return actor.role === 'admin' || actor.role === 'supervisor';
}

/**
 * Statuses in which a district may still say "not our district": delivered but not yet
 * taken up. Once it acknowledged a case, moving it is a supervisor's re-route.
 */
export const DECLINABLE: readonly CaseStatus[] = ['dispatched', 'reopened'];

export function mayDecline(actor: Actor, status: CaseStatus, caseDistrict: number | null): boolean {
  return (
    actor.role === 'district' && actor.district != null && actor.district === caseDistrict && DECLINABLE.includes(status)
  );
}
