import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Ami, AmiMessage } from '../../../adapters/ami/ami-client.js';
import type { AriConnection } from '../../../adapters/ari/ari-connection.js';
import { createAriDialler, createAriSurveyDialler, diallerNodes, NodeTurns } from './ari-dialler.js';

/** One node's ARI as the dialler sees it: up or down, its originates written down. */
function node(name: string, up = true, refuses = false) {
  const placed: string[] = [];
  const originate = async (params: { appArgs: string }) => {
    if (refuses) throw new Error(`node ${name}: trunk refused`);
    placed.push(params.appArgs);
  };
  const ari = { client: up ? { channels: { originate } } : undefined, rest: { originate } } as unknown as AriConnection;
  return { name, ari, placed };
}

const config = { endpointTemplate: 'PJSIP/{number}@trunk', callerId: '137' };

describe('calls spread over the Asterisk nodes', () => {
  it('takes the nodes in turn, a preferred node first', () => {
    const turns = new NodeTurns();
    const nodes = [{ name: 'a' }, { name: 'b' }, { name: 'c' }];
    expect([0, 1, 2, 3].map(() => turns.next(nodes).map((n) => n.name).join(''))).toEqual(['abc', 'bca', 'cab', 'abc']);
    expect(turns.next(nodes, 'c').map((n) => n.name)).toEqual(['c', 'b', 'a']);
    expect(turns.next([{ name: 'a' }]).map((n) => n.name)).toEqual(['a']);
  });

  it('places survey calls on each node in turn, passing over a node that is down or refuses', async () => {
    const a = node('a');
    const b = node('b', false);
    const c = node('c', true, true);
    const dialler = createAriSurveyDialler({ nodes: diallerNodes([a, b, c]), config });
    for (const id of ['s1', 's2', 's3']) await dialler.originate({ phone: '09120000000', surveyId: id });
    expect(a.placed).toEqual(['survey,s1', 'survey,s2', 'survey,s3']);
    await expect(createAriSurveyDialler({ nodes: diallerNodes([b, c]), config }).originate({ phone: '0912', surveyId: 's4' })).rejects.toThrow(/trunk refused/);
  });

  it("places a callback on the node whose queue has a free agent, and counts that node's agents", async () => {
    const a = node('a');
    const b = node('b');
    const summaries: AmiMessage[] = [
      { event: 'QueueSummary', queue: 'complaints', available: '0', hotlinenode: 'a' },
      { event: 'QueueSummary', queue: 'complaints', available: '2', hotlinenode: 'b' },
    ];
    const ami = Object.assign(new EventEmitter(), { listAction: async () => summaries }) as unknown as Ami;
    const dialler = createAriDialler({ nodes: diallerNodes([a, b]), ami, config });
    expect(await dialler.availableAgents('complaints')).toBe(2);
    for (const id of ['c1', 'c2']) await dialler.originate({ phone: '09120000000', callbackId: id, queue: 'complaints' });
    expect(b.placed).toEqual(['callback,c1', 'callback,c2']);
    expect(a.placed).toEqual([]);
  });
});
