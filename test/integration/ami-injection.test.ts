import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AmiClient } from '../../src/adapters/ami/ami-client.js';

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/**
 * A stand-in AMI server that records every byte the client writes and answers each
 * action (login included) with `Response: Success`, so the client sends whatever it
 * would send to Asterisk. What it records is what Asterisk would have parsed.
 */
interface Recorder {
  port: number;
  received: () => string;
  /** The Action header of every message received, in order. */
  actions: () => string[];
  close: () => Promise<void>;
}

async function recordingAmi(): Promise<Recorder> {
  let bytes = '';
  const actions: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.write('Asterisk Call Manager/9.0.0\r\n');
    let buffer = '';
    socket.on('data', (chunk) => {
      bytes += chunk.toString('utf8');
      buffer += chunk.toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\r\n\r\n')) >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 4);
        const headers = new Map(
          message.split('\r\n').map((line) => {
            const at = line.indexOf(': ');
            return [line.slice(0, at).toLowerCase(), line.slice(at + 2)] as const;
          }),
        );
        actions.push(headers.get('action') ?? '');
        socket.write(`Response: Success\r\nActionID: ${headers.get('actionid') ?? ''}\r\nMessage: ok\r\n\r\n`);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    received: () => bytes,
    actions: () => actions,
    close: async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function connectedClient(): Promise<{ client: AmiClient; ami: Recorder }> {
  const ami = await recordingAmi();
  cleanups.push(() => ami.close());
  const client = new AmiClient({ host: '127.0.0.1', port: ami.port, user: 'hotline', secret: 'not-a-real-secret-0123', logger });
  cleanups.push(() => client.close());
  await client.start();
  return { client, ami };
}

describe('AMI client: no action injection', () => {
  it('refuses a MemberName with CR/LF and writes nothing of it; the next action still goes through', async () => {
    const { client, ami } = await connectedClient();
    const displayName = 'Ali\r\n\r\nAction: Command\r\nCommand: core stop now';

    await expect(
      client.action({
        action: 'QueueAdd',
        queue: 'hotline-general',
        interface: 'PJSIP/agent-ali',
        penalty: 0,
        membername: displayName,
        stateinterface: 'PJSIP/agent-ali',
      }),
    ).rejects.toMatchObject({ code: 'HOTLINE_ERR_VALIDATION', message: expect.stringContaining('membername') });

    // The link is still usable and in step: a clean action after the refused one is answered.
    await client.action({ action: 'QueueAdd', queue: 'hotline-general', interface: 'PJSIP/agent-ali', membername: 'Ali' });
    expect(ami.actions()).toEqual(['login', 'QueueAdd']);
    expect(ami.received()).not.toMatch(/Command/i);
    expect(ami.received()).toContain('Membername: Ali\r\n');
  });

  it('refuses control characters in every kind of field: variables, interfaces, config values', async () => {
    const { client, ami } = await connectedClient();
    const hostile = [
      { action: 'Originate', channel: 'PJSIP/sup-maryam', variable: 'X=1\r\nAction: Command' },
      { action: 'QueuePause', interface: 'PJSIP/agent-ali\nAction: Logoff', paused: 'true' },
      { action: 'UpdateConfig', srcfilename: 'pjsip_wizard.conf', dstfilename: 'pjsip_wizard.conf', 'value-000000': 'x\n[evil]' },
      { action: 'DBPut', family: 'hotline', key: 'override', val: 'open\u0000' },
    ];
    for (const fields of hostile) {
      await expect(client.action(fields)).rejects.toMatchObject({ code: 'HOTLINE_ERR_VALIDATION' });
    }
    expect(ami.actions()).toEqual(['login']);
  });
});
