import Fastify, { type FastifyInstance } from 'fastify';
import nunjucks from 'nunjucks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymous } from '../shared/actor.js';
import { createNavigation } from './navigation.js';
import { echoed, registerRendering } from './rendering.js';
import { registerSecurityHeaders } from './security-headers.js';

// One page that repeats a visitor's value in text and in an attribute, kept once for every value.
const templates: Record<string, string> = {
  'echo.njk': '<p title="{{ said }}">You said {{ said | counted }}.</p>\n    <script nonce="{{ cspNonce }}"></script>',
};
const loader: nunjucks.ILoader = { getSource: (name) => ({ src: templates[name], path: name, noCache: false }) };

let app: FastifyInstance;
let renders = 0;

beforeAll(async () => {
  app = Fastify();
  registerSecurityHeaders(app, { production: false, imageSources: [] });
  // Everyone is a visitor who is not signed in: the page is shared.
  app.decorateRequest('actor', null as never);
  app.addHook('onRequest', async (request) => {
    request.actor = anonymous;
  });
  const views = new nunjucks.Environment(loader, { autoescape: true });
  // Counts the renders of the page.
  views.addFilter('counted', (value: unknown) => {
    renders++;
    return value;
  });
  registerRendering(app, views, { partnershipName: 'Test', navigation: createNavigation() });
  app.get<{ Querystring: { said: string } }>('/echo', { config: { sharedPage: true } }, async (request, reply) => {
    return reply.render(
      'echo.njk',
      { said: echoed('said') },
      { key: 'the one page', echoes: { said: request.query.said } },
    );
  });
  await app.ready();
});

afterAll(() => app.close());

describe('a shared page that echoes a value', () => {
  it('is rendered once, and each answer carries its own value, escaped as the template would have', async () => {
    const first = await app.inject({ url: '/echo', query: { said: 'DE4 3AG' } });
    const second = await app.inject({ url: '/echo', query: { said: `<b>"Tom" & 'Jerry'</b>` } });
    expect(first.body).toContain('<p title="DE4 3AG">You said DE4 3AG.</p>');
    expect(second.body).toContain(
      '<p title="&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;">You said &lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;.</p>',
    );
    // Rendered once for both, its indentation between tags made one newline.
    expect(renders).toBe(1);
    expect(second.body).toMatch(/<\/p>\n<script nonce="[^"]+"><\/script>$/);
    expect(first.body).not.toMatch(/echo[0-9a-f]{24}/);
  });

  it('refuses a name autoescaping could change', () => {
    expect(() => echoed('the postcode')).toThrow();
  });
});
