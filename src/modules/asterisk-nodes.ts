import type { Logger } from 'pino';
import { AmiClient, type Ami } from '../adapters/ami/ami-client.js';
import { AmiNodes, NODE_FIELD } from '../adapters/ami/ami-nodes.js';
import { AriConnection } from '../adapters/ari/ari-connection.js';
import { AriLease } from '../adapters/ari/ari-lease.js';
import { createStoredRecordings, storedOnNodes, type StoredRecordings } from '../adapters/ari/stored-recordings.js';
import type { AsteriskNodeConfig, Config } from '../config.js';

/** One Asterisk node as the engine holds it: its ARI app, its AMI, and (standby) its lease. */
export interface AsteriskNode {
  name: string;
  ari: AriConnection;
  ami: AmiClient;
  stored: StoredRecordings;
  /** The standby pair's lease on this node's app; null: this engine drives the node alone. */
  lease: AriLease | null;
  /** Whether this engine drives the node's calls now (holds its lease, or has none). */
  drives(): boolean;
}

/**
 * The Asterisk nodes of the config, each with its own ARI connection, AMI connection and
 * (STANDBY_ENABLED) lease, so one node's death, or another engine driving it, leaves the
 * others alone. The services see one AMI over all of them (AmiNodes) and one store of
 * recordings; calls are driven per node by the IVR module of each.
 */
export function createAsteriskNodes(config: Pick<Config, 'nodes' | 'standby' | 'redisUrl' | 'jobs'>, logger: Logger) {
  const several = config.nodes.length > 1;
  const nodes: AsteriskNode[] = config.nodes.map((node, i) => createNode(node, i === 0, config, several ? logger.child({ node: node.name }) : logger));
  const primary = nodes[0]!;
  // One node: its own AmiClient, exactly as before there were several.
  const ami: Ami = several ? new AmiNodes(nodes.map((n) => ({ name: n.name, client: n.ami }))) : primary.ami;
  const byName = new Map(nodes.map((n) => [n.name, n]));
  return {
    nodes,
    primary,
    ami,
    stored: storedOnNodes(nodes),
    /** Whether this engine acts on an AMI event: it drives the node the event came from. */
    drivesEvent(event: Record<string, unknown>): boolean {
      if (!several) return primary.drives();
      return byName.get(String(event[NODE_FIELD] ?? ''))?.drives() ?? false;
    },
    /** Whether this engine drives the node `name` (from AmiNodes' 'connected'); the only node without a name. */
    drivesNode(name: unknown): boolean {
      return (typeof name === 'string' ? byName.get(name) : primary)?.drives() ?? false;
    },
  };
}

export type AsteriskNodes = ReturnType<typeof createAsteriskNodes>;

function createNode(
  node: AsteriskNodeConfig,
  first: boolean,
  config: Pick<Config, 'standby' | 'redisUrl' | 'jobs'>,
  logger: Logger,
): AsteriskNode {
  // A standby pair: only the holder of a node's ARI lease owns its Stasis app and drives
  // its calls (and acts on its AMI events that write). The first node's lease keeps the
  // name it had before there were several nodes, so a rolling upgrade keeps its holder.
  const lease = config.standby.enabled
    ? new AriLease({
        redisUrl: config.redisUrl,
        prefix: config.jobs.prefix,
        app: first ? node.ari.app : `${node.ari.app}@${node.name}`,
        instanceId: config.standby.instanceId,
        ttlMs: config.standby.leaseTtlMs,
        // A dead holder is replaced within TTL + this: tries are cheap (one script).
        acquireEveryMs: Math.min(250, config.standby.leaseTtlMs / 3),
        logger: logger.child({ component: 'lease' }),
      })
    : null;
  const drives = (): boolean => lease === null || lease.isHolder();
  const ari = new AriConnection({
    ...node.ari,
    logger: logger.child({ component: 'ari' }),
    ...(lease ? { mayOwnApp: drives } : {}),
  });
  const ami = new AmiClient({ ...node.ami, logger: logger.child({ component: 'ami' }) });
  return { name: node.name, ari, ami, stored: createStoredRecordings(node.ari), lease, drives };
}
