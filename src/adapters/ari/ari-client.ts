import { EventEmitter } from 'node:events';
import type { Channel } from 'ari-client';
import type { CallAri, createAriRest } from './ari-rest.js';

// Asterisk's resources as its JSON describes them: ari-client's types, used as types only
// (erased at build time: the module itself is never loaded by the engine).
export type { Channel, StasisStart } from 'ari-client';

/**
 * What the engine asks of ARI, in the shape of ari-client's operations, and the Stasis
 * app's events emitted on it as `(event, resource)` (see AriConnection). One per
 * connection of the event WebSocket; its requests go over the connection's kept-alive
 * sockets (ari-rest.ts).
 */
export interface AriClient extends EventEmitter {
  channels: Omit<CallAri['channels'], 'get'> & {
    get(p: { channelId: string }): Promise<Channel>;
    list(): Promise<Channel[]>;
    originate(params: { endpoint: string; app: string; appArgs: string; channelId: string; callerId: string; timeout: number; formats?: string }): Promise<unknown>;
  };
  playbacks: CallAri['playbacks'];
  recordings: CallAri['recordings'];
  applications: {
    get(p: { applicationName: string }): Promise<{ channel_ids: string[] }>;
    subscribe(p: { applicationName: string; eventSource: string }): Promise<unknown>;
  };
}

export function createAriClient(rest: ReturnType<typeof createAriRest>): AriClient {
  const client = new EventEmitter() as AriClient;
  client.channels = {
    ...rest.channels,
    get: (p) => rest.channels.get(p) as Promise<Channel>,
    list: () => rest.listChannels() as Promise<Channel[]>,
    originate: (params) => rest.originate({ ...params }),
  };
  client.playbacks = rest.playbacks;
  client.recordings = rest.recordings;
  client.applications = {
    get: (p) => rest.application(p) as Promise<{ channel_ids: string[] }>,
    subscribe: (p) => rest.subscribe(p),
  };
  return client;
}
