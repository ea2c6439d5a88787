import type { Logger } from 'pino';
import type { CallerHistory, DeskEvent, ScreenPop } from '../domain/agents/agent.js';
import { citizenSnapshot, type CitizenRepo, type CitizenSnapshot } from '../domain/citizens/profile.js';
import { queueFromAsterisk, type Case, type QueueName } from '../domain/cases/case.js';
import type { Call, CallPatch, CallRepo, CaseRepo } from '../domain/cases/ports.js';

type AmiEvent = Record<string, unknown>;

const HISTORY_LIMIT = 10;

/**
 * Turns app_queue's AMI events into each call's queue record (join, wait, agent, talk,
 * abandon) and, when an agent answers, pushes the screen pop to that agent's desktop.
 * Rows are keyed by the caller channel's uniqueid, which is what the IVR stored.
 */
export function createQueueCallRecorder(deps: {
  calls: Pick<CallRepo, 'findByUniqueId' | 'update' | 'list'>;
  cases: Pick<CaseRepo, 'list'>;
  citizens?: CitizenRepo | undefined;
  agentIdByInterface: (iface: string) => string | null;
  wrapUpSeconds: (queue: QueueName) => number;
  toDesk: (agentId: string, event: DeskEvent) => void;
  now: () => Date;
  logger: Logger;
}) {
  const seconds = (value: unknown): number | null => {
    const n = Number(value);
    return Number.isFinite(n) && n >= 0 ? Math.round(n) : null;
  };

  async function patch(uniqueId: string, set: CallPatch): Promise<Call | null> {
    const row = await deps.calls.findByUniqueId(uniqueId);
    if (!row) {
      // A call the engine never saw (queued by the dialplan fallback): nothing to update.
      deps.logger.debug({ uniqueId }, 'queue event for an unknown call');
      return null;
    }
    return deps.calls.update(uniqueId, set);
  }

  async function history(call: Call): Promise<{ history: CallerHistory; citizen: CitizenSnapshot | null }> {
    if (!call.caller) return { history: { calls: [], cases: [] }, citizen: null };
    const [calls, cases] = await Promise.all([
      deps.calls.list({ caller: call.caller, limit: HISTORY_LIMIT + 1 }),
      deps.cases.list({ phone: call.caller, limit: HISTORY_LIMIT }),
    ]);
    const byId = new Map<string, Case>(cases.map((c) => [c.id, c]));
    return { history: listed(call, calls, cases, byId), citizen: await citizen(call, calls, cases) };
  }

  /** The snapshot from the same rows; a failed read leaves it out rather than the whole pop. */
  async function citizen(call: Call, calls: Call[], cases: Case[]): Promise<CitizenSnapshot | null> {
    if (!deps.citizens || !call.caller) return null;
    try {
      const [lastSurvey, doNotCall] = await Promise.all([deps.citizens.lastAnsweredSurvey(call.caller), deps.citizens.onDoNotCall(call.caller)]);
      return citizenSnapshot({
        phone: call.caller,
        at: call.startedAt,
        topic: call.category,
        contacts: [
          ...calls.filter((c) => c.id !== call.id).map((c) => ({ at: c.startedAt, topic: c.category })),
          ...cases.filter((c) => c.callId === null).map((c) => ({ at: c.createdAt, topic: c.category })),
        ],
        cases,
        lastSurvey,
        doNotCall,
      });
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message }, 'citizen snapshot not read');
      return null;
    }
  }

  function listed(call: Call, calls: Call[], cases: Case[], byId: Map<string, Case>): CallerHistory {
    return {
      calls: calls
        .filter((c) => c.id !== call.id)
        .slice(0, HISTORY_LIMIT)
        .map((c) => ({
          id: c.id,
          startedAt: c.startedAt.toISOString(),
          outcome: c.outcome,
          queue: c.queue,
          caseTrackingNumber: c.caseId ? (byId.get(c.caseId)?.trackingNumber ?? null) : null,
        })),
      cases: cases.map((c) => ({
        trackingNumber: c.trackingNumber,
        status: c.status,
        category: c.category,
        district: c.district,
        createdAt: c.createdAt.toISOString(),
        description: c.description,
      })),
    };
  }

  async function onEvent(event: AmiEvent): Promise<void> {
    const name = String(event.event ?? '').toLowerCase();
    const uniqueId = String(event.uniqueid ?? '');
    const queue = queueFromAsterisk(String(event.queue ?? ''));
    if (!uniqueId || !queue) return;
    const now = deps.now();

    switch (name) {
      case 'queuecallerjoin':
        await patch(uniqueId, { queue, queueJoinedAt: now, queueLeftAt: null, queueResult: null });
        return;
      case 'queuecallerabandon':
        await patch(uniqueId, { queueResult: 'abandoned', waitSeconds: seconds(event.holdtime), queueLeftAt: now });
        return;
      case 'queuecallerleave': {
        const row = await deps.calls.findByUniqueId(uniqueId);
        if (!row) return;
        // app_queue also reports the leave of an answered caller; only an unset result
        // means the caller left unanswered (timeout, key press, queue emptied).
        await deps.calls.update(uniqueId, { queueLeftAt: now, ...(row.queueRecord.queueResult ? {} : { queueResult: 'exited' }) });
        return;
      }
      case 'agentconnect': {
        const agentId = deps.agentIdByInterface(String(event.interface ?? ''));
        const wait = seconds(event.holdtime);
        const call = await patch(uniqueId, { queueResult: 'answered', answeredAt: now, waitSeconds: wait, agentId });
        if (!call || !agentId) return;
        const pop: ScreenPop = {
          callId: call.id,
          uniqueId,
          caller: call.caller,
          queue,
          category: call.category,
          district: call.district,
          ivrPath: call.ivrPath,
          waitedSeconds: wait ?? 0,
          connectedAt: now.toISOString(),
          ...(await history(call)),
        };
        deps.toDesk(agentId, { type: 'screen-pop', pop });
        return;
      }
      case 'agentcomplete':
        await patch(uniqueId, { talkSeconds: seconds(event.talktime), wrapUpSeconds: deps.wrapUpSeconds(queue) });
        return;
    }
  }

  return { onEvent };
}
