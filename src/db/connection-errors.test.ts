import { createServer } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isConnectionError } from './connection-errors.js';

/** The error pg really gives when nothing listens at the address. */
async function refusedConnectionError(): Promise<unknown> {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address() as { port: number };
      probe.close(() => resolve(address.port));
    });
  });
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'nobody', database: 'nothing' });
  return client.connect().then(
    () => new Error('connected to a closed port'),
    (error: unknown) => error,
  );
}

describe('isConnectionError', () => {
  it('knows a refused connection, as pg reports it', async () => {
    const error = await refusedConnectionError();
    expect((error as { code?: string }).code).toBe('ECONNREFUSED');
    expect(isConnectionError(error)).toBe(true);
  });

  it.each([
    ['admin_shutdown (pg_terminate_backend)', { code: '57P01', severity: 'FATAL' }],
    ['crash_shutdown', { code: '57P02', severity: 'FATAL' }],
    ['cannot_connect_now (starting up)', { code: '57P03', severity: 'FATAL' }],
    ['connection_failure', { code: '08006', severity: 'ERROR' }],
    ['too_many_connections', { code: '53300', severity: 'FATAL' }],
    [
      'a database not accepting connections',
      { code: '55000', severity: 'FATAL', message: 'database "x" is not currently accepting connections' },
    ],
    ['a reset socket', { code: 'ECONNRESET' }],
    ['pg: Connection terminated unexpectedly', new Error('Connection terminated unexpectedly')],
    ['pg: a client no longer queryable', new Error('Client has encountered a connection error and is not queryable')],
    ['pg.Pool: no connection in time', new Error('timeout exceeded when trying to connect')],
    [
      'a refusal on both addresses of localhost',
      new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })]),
    ],
    [
      'a refusal wrapped as a cause',
      new Error('query failed', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }),
    ],
  ])('knows %s', (_name, error) => {
    expect(isConnectionError(error)).toBe(true);
  });

  it.each([
    [
      'a unique violation',
      { code: '23505', severity: 'ERROR', message: 'duplicate key value violates unique constraint' },
    ],
    ['a syntax error', { code: '42601', severity: 'ERROR' }],
    ['a serialisation failure', { code: '40001', severity: 'ERROR' }],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['an HTTP error', Object.assign(new Error('Not Found'), { statusCode: 404 })],
    ['nothing', undefined],
    ['a string', 'Connection terminated'],
  ])('does not take %s for one', (_name, error) => {
    expect(isConnectionError(error)).toBe(false);
  });
});
