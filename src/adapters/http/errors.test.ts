import { describe, expect, it } from 'vitest';
import { databaseClientError } from './errors.js';

class DriverError extends Error {
  constructor(readonly code: string) {
    super('insert into "users" ... params: $1 = secret');
  }
}

describe('database refusals as client errors', () => {
  it.each([
    ['22021', 400, 'HOTLINE_ERR_VALIDATION'], // a NUL byte
    ['22P02', 400, 'HOTLINE_ERR_VALIDATION'], // not a uuid
    ['22003', 400, 'HOTLINE_ERR_VALIDATION'], // a number out of range
    ['23514', 400, 'HOTLINE_ERR_VALIDATION'], // a check constraint
    ['23505', 409, 'HOTLINE_ERR_CONFLICT'], // unique
    ['23503', 409, 'HOTLINE_ERR_CONFLICT'], // foreign key
  ])('maps SQLSTATE %s to %i %s, wrapped by drizzle or not, without the driver message', (sqlState, status, code) => {
    for (const err of [new DriverError(sqlState), new Error('Failed query', { cause: new DriverError(sqlState) })]) {
      const mapped = databaseClientError(err);
      expect(mapped).toMatchObject({ statusCode: status, code, sqlState });
      expect(mapped?.message).not.toContain('secret');
    }
  });

  it('leaves other failures (a lost connection, a Node error code) to the 500 path', () => {
    expect(databaseClientError(new DriverError('08006'))).toBeNull();
    expect(databaseClientError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBeNull();
    expect(databaseClientError(new Error('plain'))).toBeNull();
  });
});
