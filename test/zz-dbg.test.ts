import { it } from 'vitest';
import { organisationId, signedInStaff } from './support/accounts.js';
import { useTestApp } from './support/app.js';
const context = useTestApp({ logLevel: 'error' });
it('dbg', async () => {
  const db = context.database.db;
  const av = await organisationId(db, 'E07000032');
  const county = await organisationId(db, 'E10000007');
  const { client } = await signedInStaff(context.app, db, { organisationId: county, roles: ['partnership_admin'] });
  const r = await client.get(`/staff/request-types/new?organisation=${av}`);
  console.log(r.statusCode, r.statusCode === 500 ? '' : '');
  const p = await client.get(`/staff/request-types/1`);
  console.log(/<input[^>]*slaWorkingDays[^>]*>/.exec(p.body)?.[0]);
});
