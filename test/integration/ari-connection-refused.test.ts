import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AriConnection } from '../../src/adapters/ari/ari-connection.js';

/**
 * An Asterisk whose HTTP server answers the ARI event description with an error: a wrong
 * ARI_PASSWORD (401), or an Asterisk still loading (503). The engine must say why, not
 * open the WebSocket, and keep retrying instead of ending.
 */
let server: Server | undefined;
let connection: AriConnection | undefined;

afterEach(async () => {
  await connection?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

async function asteriskAnswering(status: () => number): Promise<{ url: string; asked: string[] }> {
  const asked: string[] = [];
  server = createServer((req, res) => {
    asked.push(`${req.url} ${req.headers.authorization ?? ''}`);
    res.writeHead(status(), { 'content-type': 'application/json' }).end('{"message":"Authentication required"}');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, asked };
}

describe('ARI that refuses the API description', () => {
  it.each([
    [401, /ARI refused ARI_USER\/ARI_PASSWORD \(HTTP 401\)/],
    [503, /ARI API description: HTTP 503/],
  ])('answered %i: says why, stays down and tries again, without ending the process', async (status, why) => {
    const { url, asked } = await asteriskAnswering(() => status);
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(String(JSON.parse(line).err)) });
    connection = new AriConnection({ url, user: 'hotline', password: 'wrong-password-0123456789', app: 'hotline', logger, reconnectMinMs: 20, reconnectMaxMs: 40 });
    let connected = false;
    connection.on('connected', () => (connected = true));
    connection.start();
    await expect.poll(() => asked.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(3);
    expect(asked[0]).toBe(`/ari/api-docs/events.json Basic ${Buffer.from('hotline:wrong-password-0123456789').toString('base64')}`);
    // Only the description was asked: no WebSocket was opened with refused credentials.
    expect(new Set(asked.map((a) => a.split(' ')[0]))).toEqual(new Set(['/ari/api-docs/events.json']));
    expect(warnings[0]).toMatch(why);
    expect(connected).toBe(false);
    expect(connection.isConnected()).toBe(false);
  });
});
