import { asc, eq } from 'drizzle-orm';
import type { QueueSkill } from '../../domain/agents/agent.js';
import type { AgentRecord, AgentRepo } from '../../domain/agents/ports.js';
import type { Db } from './database.js';
import { agentQueues, agents, users } from './schema/index.js';

export function createAgentRepo(db: Db): AgentRepo {
  async function load(where?: ReturnType<typeof eq>): Promise<AgentRecord[]> {
    const rows = await db
      .select({ agent: agents, user: users })
      .from(agents)
      .innerJoin(users, eq(users.id, agents.userId))
      .where(where)
      .orderBy(asc(users.username));
    if (rows.length === 0) return [];
    const skills = await db.select().from(agentQueues).orderBy(asc(agentQueues.penalty), asc(agentQueues.queue));
    const byUser = new Map<string, QueueSkill[]>();
    for (const s of skills) {
      const list = byUser.get(s.userId) ?? [];
      list.push({ queue: s.queue, penalty: s.penalty });
      byUser.set(s.userId, list);
    }
    return rows.map(({ agent, user }) => ({
      userId: agent.userId,
      username: user.username,
      displayName: user.displayName,
      active: user.active,
      endpoint: agent.endpoint,
      interface: agent.interface,
      sipPassword: agent.sipPassword,
      queues: byUser.get(agent.userId) ?? [],
      loggedIn: agent.loggedIn,
      pauseReason: agent.pauseReason,
      stateSince: agent.stateSince,
      wrapUpUntil: agent.wrapUpUntil,
      missedInARow: agent.missedInARow,
    }));
  }

  return {
    async upsert(input) {
      await db.transaction(async (tx) => {
        await tx
          .insert(agents)
          .values({ userId: input.userId, endpoint: input.endpoint, interface: input.interface, sipPassword: input.sipPassword })
          .onConflictDoUpdate({ target: agents.userId, set: { endpoint: input.endpoint, interface: input.interface } });
        await tx.delete(agentQueues).where(eq(agentQueues.userId, input.userId));
        if (input.queues.length > 0) {
          await tx.insert(agentQueues).values(input.queues.map((q) => ({ userId: input.userId, queue: q.queue, penalty: q.penalty })));
        }
      });
      const [saved] = await load(eq(agents.userId, input.userId));
      return saved!;
    },
    async findByUserId(userId) {
      const [found] = await load(eq(agents.userId, userId));
      return found ?? null;
    },
    list: () => load(),
    async setState(userId, patch) {
      if (Object.keys(patch).length === 0) return;
      await db.update(agents).set(patch).where(eq(agents.userId, userId));
    },
  };
}
