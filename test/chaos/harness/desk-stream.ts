import { randomUUID } from 'node:crypto';
import type { ChaosBed } from './chaos-bed.js';
import type { EngineProcess } from './engine-process.js';
import type { QueueName } from '../../../src/domain/cases/case.js';
import { TEST_AGENTS_CONTEXT } from '../../helpers/test-agents.js';

/** One SSE event of a desk stream: its `event:` name and parsed `data:`. */
export interface StreamEvent {
  type: string;
  data: Record<string, unknown>;
}

/**
 * An agent desk's live stream (`GET /api/agents/{id}/events`) opened on one engine
 * process, as the agent's browser would through a load balancer; read as the events come.
 */
export class DeskStream {
  readonly events: StreamEvent[] = [];
  private readonly waiters = new Set<() => void>();
  private ended = false;

  private constructor(private readonly abort: AbortController) {}

  static async open(engine: EngineProcess, agentId: string): Promise<DeskStream> {
    const abort = new AbortController();
    const res = await fetch(`${engine.url}/api/agents/${agentId}/events`, {
      headers: { authorization: `Bearer ${process.env.HOTLINE_ADMIN_TOKEN}` },
      signal: abort.signal,
    });
    if (res.status !== 200) throw new Error(`desk stream: ${res.status} ${await res.text()}`);
    const stream = new DeskStream(abort);
    void stream.read(res.body!.getReader());
    // The stream starts with the agent's current state: it is live once that arrived.
    await stream.next('state');
    return stream;
  }

  private async read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const type = /^event: (.+)$/m.exec(frame)?.[1];
          const data = /^data: (.+)$/m.exec(frame)?.[1];
          if (type && data) this.events.push({ type, data: JSON.parse(data) as Record<string, unknown> });
        }
        for (const w of this.waiters) w();
      }
    } catch {
      // aborted
    } finally {
      this.ended = true;
      for (const w of this.waiters) w();
    }
  }

  /** How many events of `type` arrived so far. */
  count(type: string): number {
    return this.events.filter((e) => e.type === type).length;
  }

  /** The first event of `type` (past or future) matching `where`. */
  next(type: string, where: (data: Record<string, unknown>) => boolean = () => true, timeoutMs = 30_000): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // The events of that type that did not match say why (e.g. another call's id).
        const others = this.events.filter((e) => e.type === type).map((e) => JSON.stringify(e.data));
        const seen = this.events.map((e) => e.type).join(', ');
        finish(new Error(`no matching ${type} on the desk stream within ${timeoutMs} ms: ${seen}; ${type} seen: ${others.join(' ') || 'none'}`));
      }, timeoutMs);
      const finish = (err: Error | null, data?: Record<string, unknown>) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (err) reject(err);
        else resolve(data!);
      };
      const check = () => {
        const found = this.events.find((e) => e.type === type && where(e.data));
        if (found) finish(null, found.data);
        else if (this.ended) finish(new Error(`the desk stream ended without ${type}`));
      };
      this.waiters.add(check);
      check();
    });
  }

  close(): void {
    this.abort.abort();
  }
}

export interface StandInAgent {
  id: string;
  /** The extension its Local stand-in rings in the test context (the leg's role is `agent`). */
  endpoint: string;
}

/**
 * An agent serving `queues` whose phone is a Local stand-in ringing into the citizen
 * line's test application (test/helpers/test-agents.ts; the dialplan must be installed).
 * The account is made over `engine`'s API; the stand-in phone, which the API refuses by
 * design (a Local channel into a test context), is written to the database directly,
 * so no engine has it in memory: the one driving calls must find it by itself.
 */
export async function standInAgent(bed: ChaosBed, engine: EngineProcess, queues: QueueName[]): Promise<StandInAgent> {
  const username = `standby-${randomUUID().slice(0, 8)}`;
  const res = await engine.api('POST', '/api/users', { username, displayName: 'کارشناس آماده‌به‌کار', role: 'agent', password: `pw-${randomUUID()}` });
  if (res.status !== 201) throw new Error(`user: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  const endpoint = `agent-${username}`;
  const repos = await bed.repos();
  await repos.agents.upsert({
    userId: id,
    endpoint,
    interface: `Local/${endpoint}@${TEST_AGENTS_CONTEXT}/n`,
    sipPassword: randomUUID(),
    queues: queues.map((queue) => ({ queue, penalty: 0 })),
  });
  return { id, endpoint };
}
