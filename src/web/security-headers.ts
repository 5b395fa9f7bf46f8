import { randomFillSync } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';

declare module 'fastify' {
  interface FastifyReply {
    /** This response's CSP nonce for scripts, made on first use: only pages need one. */
    readonly cspNonce: { script: string };
  }
}

// Each page's nonce is 16 bytes from the system's random source, drawn from a pool filled 256 nonces
// at a time: one call for every 256 pages rather than one a page, each bytes used once.
const NONCE_BYTES = 16;
const noncePool = Buffer.alloc(NONCE_BYTES * 256);
let nonceOffset = noncePool.length;

function newNonce(): string {
  if (nonceOffset === noncePool.length) {
    randomFillSync(noncePool);
    nonceOffset = 0;
  }
  const nonce = noncePool.toString('base64', nonceOffset, nonceOffset + NONCE_BYTES);
  nonceOffset += NONCE_BYTES;
  return nonce;
}

export interface SecurityHeaderOptions {
  production: boolean;
  /** Extra origins images may load from (the map tile server). */
  imageSources: string[];
}

/**
 * The headers Helmet would set, written out once at start. Helmet's Fastify plugin rebuilt its whole
 * middleware on every request to fit a nonce in; here every response gets the same frozen headers
 * and a page that asks for a nonce gets it spliced into its own copy of the policy.
 */
export function registerSecurityHeaders(
  app: FastifyInstance,
  { production, imageSources }: SecurityHeaderOptions,
): void {
  const policy = (scriptNonce?: string) =>
    [
      "default-src 'self'",
      "base-uri 'self'",
      "font-src 'self' https: data:",
      "form-action 'self'",
      "frame-ancestors 'none'",
      ['img-src', "'self'", 'data:', ...imageSources].join(' '),
      "object-src 'none'",
      scriptNonce ? `script-src 'self' 'nonce-${scriptNonce}'` : "script-src 'self'",
      "script-src-attr 'none'",
      "style-src 'self'",
      // Browsers would rewrite http://localhost to https during development.
      ...(production ? ['upgrade-insecure-requests'] : []),
    ].join(';');

  const headers: Record<string, string> = {
    'content-security-policy': policy(),
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'no-referrer',
    ...(production ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-frame-options': 'SAMEORIGIN',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
  };

  const nonces = new WeakMap<FastifyReply, { script: string }>();
  app.decorateReply('cspNonce', {
    getter(this: FastifyReply) {
      let nonce = nonces.get(this);
      if (!nonce) {
        nonce = { script: newNonce() };
        nonces.set(this, nonce);
        this.header('content-security-policy', policy(nonce.script));
      }
      return nonce;
    },
  });
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}
