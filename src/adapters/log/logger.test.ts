import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, maskPhonesIn, safeError, safeUrl } from './logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString('utf8')));
      done();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

describe('log safety', () => {
  it('masks phone numbers in every usual form, and leaves other digits alone', () => {
    expect(maskPhonesIn('caller 09121234567 called')).toBe('caller 0912***4567 called');
    expect(maskPhonesIn('+989121234567')).toBe('+989*****4567');
    expect(maskPhonesIn('landline 02188776655')).toBe('landline 0218***6655');
    expect(maskPhonesIn('case 1234 took 15 s, id 4021')).toBe('case 1234 took 15 s, id 4021');
  });

  it('cleans URLs: numbers in paths masked, credentials in the query redacted', () => {
    expect(safeUrl('/api/do-not-call/09121234567')).toBe('/api/do-not-call/0912***4567');
    expect(safeUrl('/open311/v2/requests.json?api_key=secret-key-0123456789&status=open')).toBe(
      '/open311/v2/requests.json?api_key=[redacted]&status=open',
    );
    expect(safeUrl('/api/x?token=abc')).toBe('/api/x?token=[redacted]');
  });

  it('redacts credentials by key and masks numbers in messages and fields', () => {
    const { logger, lines } = capture();
    logger.info(
      { password: 'hunter2-hunter2', user: { passwordHash: 'scrypt$…', sipPassword: 'sip' }, req: { headers: { authorization: 'Bearer abc' } }, caller: '09121234567' },
      'call from 09351112233',
    );
    const [line] = lines;
    expect(line).toMatchObject({
      password: '[redacted]',
      user: { passwordHash: '[redacted]', sipPassword: '[redacted]' },
      req: { headers: { authorization: '[redacted]' } },
      caller: '0912***4567',
      msg: 'call from 0935***2233',
    });
  });

  it('logs a database error by SQLSTATE and constraint, never the query or its parameters', () => {
    const pg = Object.assign(new Error('duplicate key value violates unique constraint "users_username_unique"'), {
      code: '23505',
      constraint: 'users_username_unique',
      table: 'users',
    });
    const drizzle = new Error('Failed query: insert into "users" ("password_hash") values ($1)\nparams: scrypt$131072$8$1$salt$key', { cause: pg });
    expect(safeError(drizzle)).toEqual({ type: 'Error', message: 'database error 23505', code: '23505', constraint: 'users_username_unique', table: 'users', column: undefined });
    const { logger, lines } = capture();
    logger.error({ err: drizzle }, 'insert failed');
    expect(JSON.stringify(lines[0])).not.toContain('scrypt$');
    expect(JSON.stringify(lines[0])).not.toContain('Failed query');
  });
});
