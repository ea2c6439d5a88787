import { EventEmitter } from 'node:events';
import { AmiError, type Ami, type AmiMessage } from './ami-client.js';

/** The field every event and list entry of a node carries: the node's name. */
export const NODE_FIELD = 'hotlinenode';

type Fields = Record<string, string | number | undefined>;

export interface AmiNode {
  name: string;
  client: Ami;
}

/**
 * Several Asterisk nodes seen as one AMI, for the services written against one:
 * - events of every node, each tagged with its node (`hotlinenode`);
 * - an action on a channel goes to the node that has the channel (learnt from events);
 * - any other action (queue membership, pauses, AstDB, SIP accounts) goes to every
 *   connected node — each node runs the same queues, so an agent is a member everywhere
 *   and rings only on the node their phone is registered to — and succeeds if one did;
 * - list actions (QueueStatus, QueueSummary) gather every connected node's entries.
 *
 * One agent's phone is reachable on one node and "unavailable" on the others: their
 * member status, as events and in QueueStatus, is the best any node reports, so the
 * wallboard shows the agent as the node that can ring them sees them.
 *
 * Events: 'event', 'connected' (a node connected: reseed), 'disconnected'.
 */
export class AmiNodes extends EventEmitter implements Ami {
  private readonly channelNode = new Map<string, string>();
  private readonly uniqueIdNode = new Map<string, string>();
  /** queue\ninterface → node → the last status and InCall that node reported. */
  private readonly memberStatus = new Map<string, Map<string, { status: number; inCall: boolean }>>();

  constructor(readonly nodes: readonly AmiNode[]) {
    super();
    for (const node of nodes) {
      node.client.on('event', (event: AmiMessage) => this.onEvent(node.name, event));
      node.client.on('connected', () => this.emit('connected', node.name));
      node.client.on('disconnected', () => {
        this.forgetNode(node.name);
        this.emit('disconnected', node.name);
      });
    }
  }

  /** True while any node's AMI is connected (health shows each: `connections()`). */
  isConnected(): boolean {
    return this.nodes.some((n) => n.client.isConnected());
  }

  connections(): Record<string, boolean> {
    return Object.fromEntries(this.nodes.map((n) => [n.name, n.client.isConnected()]));
  }

  /** The node a live channel (by name or uniqueid) is on, as its events said; null if unknown. */
  nodeOf(channelOrUniqueId: string): string | null {
    return this.channelNode.get(channelOrUniqueId) ?? this.uniqueIdNode.get(channelOrUniqueId) ?? null;
  }

  async waitConnected(timeoutMs: number): Promise<void> {
    if (this.isConnected()) return;
    await Promise.any(this.nodes.map((n) => n.client.waitConnected(timeoutMs)));
  }

  async action(fields: Fields): Promise<AmiMessage> {
    const target = this.targets(fields);
    if (target.length === 0) throw new AmiError('AMI is not connected');
    const results = await Promise.allSettled(target.map((n) => n.client.action(fields)));
    const done = results.find((r) => r.status === 'fulfilled');
    if (done) return done.value;
    throw (results[0] as PromiseRejectedResult).reason;
  }

  async listAction(fields: Fields): Promise<AmiMessage[]> {
    const nodes = this.connected();
    if (nodes.length === 0) throw new AmiError('AMI is not connected');
    const lists = await Promise.allSettled(nodes.map((n) => n.client.listAction(fields)));
    const entries: AmiMessage[] = [];
    lists.forEach((list, i) => {
      if (list.status !== 'fulfilled') return;
      for (const e of list.value) {
        entries.push({ ...e, [NODE_FIELD]: nodes[i]!.name });
        // A caller already waiting when the engine connected is known from here only.
        if (typeof e.uniqueid === 'string') this.uniqueIdNode.set(e.uniqueid, nodes[i]!.name);
        if (typeof e.channel === 'string') this.channelNode.set(e.channel, nodes[i]!.name);
      }
    });
    if (entries.length === 0 && lists.every((l) => l.status === 'rejected')) throw (lists[0] as PromiseRejectedResult).reason;
    return mergeMemberEntries(entries);
  }

  async start(): Promise<void> {
    // Resolves on the first node's login; the others keep retrying in the background.
    const starts = this.nodes.map((n) => n.client.start());
    await Promise.any(starts);
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.client.close()));
  }

  /**
   * Where an action goes: the node of the channel it names; an Originate (a call placed
   * twice would ring twice) to one node only: the node of the channel its application
   * works on (ChanSpy's agent), else the first connected; anything else everywhere.
   */
  private targets(fields: Fields): AmiNode[] {
    const connected = this.connected();
    const home = (channel: unknown) => (channel === undefined ? undefined : this.channelNode.get(String(channel)));
    const onChannel = home(fields.channel ?? fields.Channel);
    if (onChannel) return this.nodes.filter((n) => n.name === onChannel);
    if (String(fields.action ?? fields.Action).toLowerCase() === 'originate') {
      const data = String(fields.data ?? fields.Data ?? '').split(',')[0];
      const appNode = home(data);
      return appNode ? this.nodes.filter((n) => n.name === appNode) : connected.slice(0, 1);
    }
    return connected;
  }

  private connected(): AmiNode[] {
    return this.nodes.filter((n) => n.client.isConnected());
  }

  private onEvent(node: string, event: AmiMessage): void {
    event[NODE_FIELD] = node;
    const name = String(event.event ?? '').toLowerCase();
    const channel = typeof event.channel === 'string' ? event.channel : undefined;
    const uniqueId = typeof event.uniqueid === 'string' ? event.uniqueid : undefined;
    if (name === 'hangup') {
      if (channel) this.channelNode.delete(channel);
      if (uniqueId) this.uniqueIdNode.delete(uniqueId);
    } else {
      if (channel) this.channelNode.set(channel, node);
      if (uniqueId) this.uniqueIdNode.set(uniqueId, node);
    }
    if (MEMBER_STATUS_EVENTS.has(name)) this.mergeMember(node, name, event);
    this.emit('event', event);
  }

  /** Rewrites a member event's Status/InCall to the best the nodes report. */
  private mergeMember(node: string, name: string, event: AmiMessage): void {
    const key = `${String(event.queue ?? '')}\n${String(event.interface ?? '')}`;
    let perNode = this.memberStatus.get(key);
    if (name === 'queuememberremoved') {
      perNode?.delete(node);
      if (perNode?.size === 0) this.memberStatus.delete(key);
      return;
    }
    if (!perNode) this.memberStatus.set(key, (perNode = new Map()));
    perNode.set(node, { status: Number(event.status ?? 0) || 0, inCall: event.incall === '1' });
    const best = bestOf([...perNode.values()]);
    event.status = String(best.status);
    event.incall = best.inCall ? '1' : '0';
  }

  private forgetNode(node: string): void {
    for (const [channel, n] of this.channelNode) if (n === node) this.channelNode.delete(channel);
    for (const [id, n] of this.uniqueIdNode) if (n === node) this.uniqueIdNode.delete(id);
    for (const perNode of this.memberStatus.values()) perNode.delete(node);
  }
}

const MEMBER_STATUS_EVENTS = new Set(['queuememberadded', 'queuememberstatus', 'queuememberpause', 'queuememberringinuse', 'queuememberremoved']);

/**
 * Asterisk's device states (ast_device_state) ranked by what they say about the agent:
 * busy on a node beats free on a node, which beats unknown, which beats unreachable.
 */
const RANK: Record<number, number> = { 2: 4, 3: 4, 6: 4, 7: 4, 8: 4, 1: 3, 0: 2, 4: 1, 5: 1 };

function bestOf(reports: readonly { status: number; inCall: boolean }[]): { status: number; inCall: boolean } {
  let best = reports[0] ?? { status: 0, inCall: false };
  for (const r of reports) if ((RANK[r.status] ?? 0) > (RANK[best.status] ?? 0)) best = r;
  return { status: best.status, inCall: reports.some((r) => r.inCall) };
}

function rankOf(entry: AmiMessage): number {
  return RANK[Number(entry.status ?? 0) || 0] ?? 0;
}

/** One QueueMember entry per queue and member: the best status any node reports. */
export function mergeMemberEntries(entries: readonly AmiMessage[]): AmiMessage[] {
  const chosen = new Map<string, number>();
  const out: AmiMessage[] = [];
  for (const e of entries) {
    if (String(e.event ?? '').toLowerCase() !== 'queuemember') {
      out.push(e);
      continue;
    }
    const key = `${String(e.queue ?? '')}\n${String(e.location ?? '')}`;
    const at = chosen.get(key);
    if (at === undefined) {
      chosen.set(key, out.length);
      out.push(e);
      continue;
    }
    const kept = out[at]!;
    // The entry of the node that ranks the member higher, InCall if either says so.
    const winner = rankOf(e) > rankOf(kept) ? e : kept;
    out[at] = { ...winner, incall: kept.incall === '1' || e.incall === '1' ? '1' : '0' };
  }
  return out;
}
