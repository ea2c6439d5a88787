import { EventEmitter } from 'node:events';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { channelUpOnAnyNode, driveNodes, handOverToStandbys, type IvrNode } from './ivr-nodes.js';

const logger = pino({ level: 'silent' });

/** A node as far as these functions look at it: its ARI's connection, its lease, its callers. */
function node(name: string, opts: { connected?: boolean; lease?: boolean; holder?: boolean; standbys?: string[]; channelUp?: boolean | Error } = {}) {
  const log: string[] = [];
  const lease = opts.lease
    ? Object.assign(new EventEmitter(), {
        isHolder: () => opts.holder ?? false,
        standbys: async () => opts.standbys ?? [],
        stop: async () => void log.push('lease.stop'),
      })
    : null;
  const ivrNode = {
    node: {
      name,
      lease,
      ari: {
        isConnected: () => opts.connected ?? true,
        start: () => void log.push('ari.start'),
        suspend: () => void log.push('ari.suspend'),
      },
    },
    calls: {
      stasis: { abandonAll: () => (log.push('abandonAll'), 2) },
      isChannelUp: async () => {
        if (opts.channelUp instanceof Error) throw opts.channelUp;
        return opts.channelUp ?? false;
      },
    },
  } as unknown as IvrNode;
  return { ivrNode, lease, log };
}

describe('driveNodes', () => {
  it('connects a node without a lease at once', () => {
    const a = node('a');
    driveNodes([a.ivrNode], { onAcquired: () => {}, logger });
    expect(a.log).toEqual(['ari.start']);
  });

  it("connects a standby node only when the lease is acquired, and lets go of its callers when it is lost", () => {
    const a = node('a', { lease: true });
    const acquired: string[] = [];
    driveNodes([a.ivrNode], { onAcquired: (n) => acquired.push(n.name), logger });
    expect(a.log).toEqual([]);
    a.lease!.emit('acquired');
    expect(a.log).toEqual(['ari.start']);
    expect(acquired).toEqual(['a']);
    a.lease!.emit('lost');
    expect(a.log).toEqual(['ari.start', 'ari.suspend', 'abandonAll']);
  });
});

describe('handOverToStandbys', () => {
  it('hands callers over only where this engine holds the lease and a standby listens', async () => {
    const handing = node('a', { lease: true, holder: true, standbys: ['other'] });
    const alone = node('b', { lease: true, holder: true, standbys: [] });
    const notHolder = node('c', { lease: true, holder: false, standbys: ['other'] });
    const noLease = node('d');
    await handOverToStandbys([handing.ivrNode, alone.ivrNode, notHolder.ivrNode, noLease.ivrNode], logger);
    expect(handing.log).toEqual(['ari.suspend', 'abandonAll', 'lease.stop']);
    expect(alone.log).toEqual([]);
    expect(notHolder.log).toEqual([]);
    expect(noLease.log).toEqual([]);
  });
});

describe('channelUpOnAnyNode', () => {
  it('is true when any connected node has the channel, whatever the others answer', async () => {
    expect(await channelUpOnAnyNode([node('a', { channelUp: new Error('timeout') }).ivrNode, node('b', { channelUp: true }).ivrNode], 'ch')).toBe(true);
  });

  it('asks only the connected nodes: a dead node does not hold the answer back', async () => {
    const dead = node('a', { connected: false, channelUp: true });
    expect(await channelUpOnAnyNode([dead.ivrNode, node('b', { channelUp: false }).ivrNode], 'ch')).toBe(false);
  });

  it('fails when no node is connected, or when a node could not say and none has it', async () => {
    await expect(channelUpOnAnyNode([node('a', { connected: false }).ivrNode], 'ch')).rejects.toThrow(/not connected/);
    await expect(channelUpOnAnyNode([node('a', { channelUp: new Error('timeout') }).ivrNode, node('b').ivrNode], 'ch')).rejects.toThrow('timeout');
  });
});
