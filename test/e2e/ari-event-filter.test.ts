import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AriConnection } from '../../src/adapters/ari/ari-connection.js';

/**
 * Asterisk sends the engine's Stasis app only the event types it listens to (ARI's
 * eventFilter): a caller's hang-up request, for one, has no listener and was read and
 * parsed on every call. A listener added later widens the filter; one for every event
 * ('*') lifts it. Its own app name: the sandbox's `hotline` app is other files' to own.
 */
const APP = 'hotline-filter-test';
const opts = { url: process.env.ARI_URL ?? 'http://127.0.0.1:8088', user: process.env.ARI_USER ?? 'hotline', password: process.env.ARI_PASSWORD ?? '' };

let connection: AriConnection | undefined;
afterEach(async () => {
  await connection?.close();
  connection = undefined;
});

async function allowedByAsterisk(conn: AriConnection): Promise<string[]> {
  const app = (await conn.rest.application({ applicationName: APP })) as { events_allowed?: { type: string }[] };
  return (app.events_allowed ?? []).map((e) => e.type).sort();
}

describe("the Stasis app's event filter", () => {
  it('asks Asterisk for the heard event types only, widens for a new listener, and lifts for "*"', async () => {
    connection = new AriConnection({ ...opts, app: APP, logger: pino({ level: 'silent' }) });
    connection.on('client', (client) => {
      client.on('StasisStart', () => undefined);
      client.on('PlaybackFinished', () => undefined);
    });
    connection.start();
    const client = await connection.waitConnected(15_000);
    const conn = connection;
    await expect.poll(() => allowedByAsterisk(conn), { timeout: 10_000 }).toEqual(['PlaybackFinished', 'StasisStart']);

    client.on('ChannelHangupRequest', () => undefined);
    await expect.poll(() => allowedByAsterisk(conn), { timeout: 10_000 }).toEqual(['ChannelHangupRequest', 'PlaybackFinished', 'StasisStart']);

    client.on('*', () => undefined);
    await expect.poll(() => allowedByAsterisk(conn), { timeout: 10_000 }).toEqual([]);
  });
});
