import { describe, expect, it } from 'vitest';
import { isConnectionFailure } from './store-error.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('a failure of the database connection', () => {
  it.each([
    [
      'pg_terminate_backend',
      withCode('terminating connection due to administrator command', '57P01'),
    ],
    ['a server shutting down', withCode('the database system is shutting down', '57P03')],
    ['a connection exception', withCode('connection failure', '08006')],
    ['a refused socket', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ["pg's cut connection", new Error('Connection terminated unexpectedly')],
    [
      'a cause inside a wrapper',
      new Error('cannot append', { cause: withCode('socket hang up', 'ECONNRESET') }),
    ],
  ])('is told apart: %s', (_what, error) => {
    expect(isConnectionFailure(error)).toBe(true);
  });

  it.each([
    ['a unique violation', withCode('duplicate key value', '23505')],
    ['a syntax error', withCode('syntax error at or near', '42601')],
    ['a plain error', new Error('the lease ended before it was journaled')],
    ['not an error', 'Connection terminated'],
  ])('is not confused with a refusal: %s', (_what, error) => {
    expect(isConnectionFailure(error)).toBe(false);
  });
});
