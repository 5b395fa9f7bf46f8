/**
 * The bare Fastify 5 servers the app is measured against, each started as its own process by
 * bench/run.ts. Every route is a wildcard, so a baseline takes the very requests the app is sent.
 *
 *   BASELINE=constant  returns a constant JSON body
 *   BASELINE=insert    parses a form post and does one INSERT through pg
 *   BASELINE=select    does one indexed SELECT through pg that returns 25 rows
 *
 * PORT, and DATABASE_URL for the two that use PostgreSQL. No logger, no plugins but the form parser.
 */
import formbody from '@fastify/formbody';
import Fastify from 'fastify';
import pg from 'pg';

const mode = process.env.BASELINE ?? 'constant';
const port = Number(process.env.PORT ?? 3100);
export const SELECT_GROUPS = 2_000;

const app = Fastify({ logger: false });
const pool = mode === 'constant' ? undefined : new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
pool?.on('error', (error) => console.error(`PostgreSQL connection lost: ${error.message}`));

app.get('/health', async () => ({ status: 'ok' }));

if (mode === 'constant') {
  const body = {
    postcode: 'DE4 3AG',
    councils: [
      { gss: 'E07000035', name: 'Derbyshire Dales District Council', tier: 'district' },
      { gss: 'E10000007', name: 'Derbyshire County Council', tier: 'county' },
    ],
  };
  app.get('/*', async () => body);
} else if (mode === 'insert') {
  await app.register(formbody);
  app.post('/*', async (request, reply) => {
    const result = await pool!.query<{ id: string }>(
      'insert into bench_baseline_inserts (body) values ($1) returning id',
      [JSON.stringify(request.body ?? {})],
    );
    return reply
      .code(201)
      .type('text/xml; charset=utf-8')
      .send(
        `<?xml version="1.0" encoding="utf-8"?><service_requests><request><service_request_id>${result.rows[0].id}</service_request_id></request></service_requests>`,
      );
  });
} else if (mode === 'select') {
  let counter = 0;
  app.get('/*', async () => {
    counter = (counter + 7919) % SELECT_GROUPS;
    const result = await pool!.query(
      'select id, group_id, status, due_on, title from bench_baseline_rows where group_id = $1 order by due_on, id limit 25',
      [counter + 1],
    );
    return result.rows;
  });
} else {
  throw new Error(`Unknown BASELINE ${mode}: constant, insert or select`);
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    // Not awaited in a signal handler; a failure to close is logged, then the process exits either way.
    void app
      .close()
      .then(() => pool?.end())
      .catch((error: unknown) =>
        console.error(`Closing the baseline server failed: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => process.exit(0));
  });
}

await app.listen({ host: '127.0.0.1', port });
