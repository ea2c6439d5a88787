import type { Logger } from 'pino';
import type { AsteriskNode } from './asterisk-nodes.js';
import type { createIvrModule } from './ivr-module.js';

/** One Asterisk node with the IVR app that drives its callers. */
export interface IvrNode {
  node: AsteriskNode;
  calls: ReturnType<typeof createIvrModule>;
}

/**
 * Starts driving every node's callers. A node without a standby lease connects its ARI
 * at once; a standby pair's node connects when this engine acquires the lease (the same
 * path as a start after a SIGKILL: connect, then reconcile the callers in Stasis) and lets
 * go of its callers the moment the lease is lost, before the other engine can take them.
 */
export function driveNodes(nodes: readonly IvrNode[], opts: { onAcquired: (node: AsteriskNode) => void; logger: Logger }): void {
  for (const { node, calls } of nodes) {
    if (!node.lease) {
      node.ari.start();
      continue;
    }
    node.lease.on('acquired', () => {
      node.ari.start();
      opts.onAcquired(node);
    });
    node.lease.on('lost', () => {
      // Before the TTL can run out on the other side: no more events, no more commands.
      node.ari.suspend();
      const abandoned = calls.stasis.abandonAll();
      opts.logger.warn({ abandoned, node: node.name }, 'ARI lease lost: this engine stopped driving calls');
    });
  }
}

/**
 * At shutdown, a standby pair's holder hands its callers to the other engine rather than
 * to the dialplan: it lets go of the app and the lease, the other reconciles and resumes
 * them. Node by node: each node's lease may be held by a different engine. A node with no
 * standby engine listening keeps its callers, for the dialplan hand-off that follows.
 */
export async function handOverToStandbys(nodes: readonly IvrNode[], logger: Logger): Promise<void> {
  await Promise.all(
    nodes.map(async ({ node, calls }) => {
      const lease = node.lease;
      if (!lease?.isHolder() || (await lease.standbys().catch(() => [])).length === 0) return;
      node.ari.suspend();
      const handed = calls.stasis.abandonAll();
      logger.info({ callers: handed, node: node.name }, 'stopping: callers handed over to the standby engine');
      await lease.stop();
    }),
  );
}

/**
 * Whether any node still has the channel (a recording on it is not final yet). Only the
 * nodes connected now are asked: a node that is down took its calls with it, and one
 * dead node must not hold back every other node's recordings.
 */
export async function channelUpOnAnyNode(nodes: readonly IvrNode[], channelId: string): Promise<boolean> {
  const up = nodes.filter((n) => n.node.ari.isConnected());
  if (up.length === 0) throw new Error('ARI is not connected');
  const answers = await Promise.allSettled(up.map((n) => n.calls.isChannelUp(channelId)));
  if (answers.some((a) => a.status === 'fulfilled' && a.value)) return true;
  const failed = answers.find((a) => a.status === 'rejected');
  if (failed) throw failed.reason;
  return false;
}
