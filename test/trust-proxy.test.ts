import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { testConfig } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { TestClient } from './support/http.js';

/**
 * Finding 5 of issue 9: production trusted any X-Forwarded-For, so rotating it defeated every rate
 * limit and put a made-up address in the audit log. TRUST_PROXY now names the real proxies (a hop
 * count, or their addresses and ranges); by default none is trusted.
 */
const production = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://db.invalid/x',
  SESSION_SECRET: 'x'.repeat(32),
  PUBLIC_URL: 'https://shirehall.example',
};

describe('TRUST_PROXY', () => {
  it('trusts no proxy unless told, in production as elsewhere', () => {
    expect(loadConfig(production).trustProxy).toBe(false);
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ ...production, TRUST_PROXY: '' }).trustProxy).toBe(false);
    expect(loadConfig({ ...production, TRUST_PROXY: '0' }).trustProxy).toBe(false);
  });

  it('takes a hop count, or the addresses and ranges of the proxies', () => {
    expect(loadConfig({ ...production, TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(
      loadConfig({ ...production, TRUST_PROXY: '10.0.0.5, 10.1.0.0/16,fd00::/8, 2001:db8::1, loopback' }).trustProxy,
    ).toEqual(['10.0.0.5', '10.1.0.0/16', 'fd00::/8', '2001:db8::1', 'loopback']);
  });

  it('refuses anything else with a message naming it', () => {
    for (const value of ['true', 'yes', '-1', '1.5', '10.0.0.300', '10.0.0.0/33', 'proxy.example', '10.0.0.1,,']) {
      expect(() => loadConfig({ ...production, TRUST_PROXY: value }), value).toThrow(/TRUST_PROXY/);
    }
  });
});

describe('the address a request comes from', () => {
  let database: TestDatabase;
  const apps: FastifyInstance[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
  }, 60_000);
  afterAll(async () => {
    for (const app of apps) await app.close();
    await database?.destroy();
  });

  async function app(trustProxy: false | number | string[], rateLimitPerMinute = 3) {
    const built = await buildApp({
      config: testConfig({ environment: 'production', rateLimitPerMinute, trustProxy }),
      db: database.db,
    });
    apps.push(built);
    return built;
  }

  /** The addresses the audit log records for a failed sign-in sent with this X-Forwarded-For. */
  async function signInFailureAddresses(server: FastifyInstance, forwardedFor: string, remoteAddress = '127.0.0.1') {
    const email = `nobody.${forwardedFor.replace(/\W/g, '')}@example.org`;
    const client = new TestClient(server);
    const token = await client.csrfToken('/staff/sign-in');
    const body = new URLSearchParams({ email, password: 'wrong password', _csrf: token }).toString();
    const response = await client.send({
      method: 'POST',
      url: '/staff/sign-in',
      remoteAddress,
      headers: { 'x-forwarded-for': forwardedFor, 'content-type': 'application/x-www-form-urlencoded' },
      payload: body,
    });
    expect(response.statusCode).toBe(401);
    const rows = await database.db
      .selectFrom('audit_log')
      .select('ip_address')
      .where('actor_label', '=', `sign-in attempt as ${email}`)
      .execute();
    return rows.map((row) => row.ip_address);
  }

  it('is the connection’s by default: a spoofed X-Forwarded-For changes neither the rate limit nor the audit log', async () => {
    const server = await app(false);
    const statuses: number[] = [];
    for (let n = 1; n <= 4; n += 1)
      statuses.push((await server.inject({ url: '/', headers: { 'x-forwarded-for': `198.51.100.${n}` } })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(await signInFailureAddresses(await app(false, 1000), '203.0.113.7')).toEqual(['127.0.0.1']);
  });

  it('is the forwarded one when the connection comes from a proxy named in TRUST_PROXY', async () => {
    const server = await app(['127.0.0.1']);
    const statuses: number[] = [];
    for (let n = 1; n <= 4; n += 1)
      statuses.push((await server.inject({ url: '/', headers: { 'x-forwarded-for': `198.51.100.${n}` } })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200]);
    const audited = await app(['127.0.0.1'], 1000);
    expect(await signInFailureAddresses(audited, '203.0.113.8')).toEqual(['203.0.113.8']);
    // Only the hop the proxy added is believed: what the client wrote before it is not.
    expect(await signInFailureAddresses(audited, '192.0.2.66, 203.0.113.9')).toEqual(['203.0.113.9']);
  });

  it('is the one the last of TRUST_PROXY=n proxies saw', async () => {
    const server = await app(1, 1000);
    expect(await signInFailureAddresses(server, '192.0.2.66, 203.0.113.12')).toEqual(['203.0.113.12']);
  });

  it('is not the forwarded one when the connection comes from anywhere else', async () => {
    const server = await app(['10.0.0.5'], 1000);
    expect(await signInFailureAddresses(server, '203.0.113.10', '192.0.2.10')).toEqual(['192.0.2.10']);
    expect(await signInFailureAddresses(server, '203.0.113.11', '10.0.0.5')).toEqual(['203.0.113.11']);
  });
});
