import { randomBytes } from 'node:crypto';
import '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type nunjucks from 'nunjucks';
import { LeastRecentlyUsed } from '../shared/cache.js';
import type { NavigationLinks } from './navigation.js';

export interface SiteContext {
  partnershipName: string;
  /** The modules' links under the header, read as each page renders. */
  navigation: NavigationLinks;
}

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a Nunjucks page with the site's shared context and this response's CSP nonce. */
    render(template: string, context?: Record<string, unknown>): FastifyReply;
  }
  interface FastifyContextConfig {
    /**
     * The page is the same for every visitor who is not signed in, given its address: the rendered
     * page is kept for a while and served to each with their own CSP nonce and CSRF token.
     */
    sharedPage?: boolean;
  }
}

/** A shared page is rendered again after this long, so a change to what it shows reaches it soon. */
const SHARED_PAGE_MAX_AGE_MS = 30_000;
const SHARED_PAGES_KEPT = 500;

/** A rendered page cut where each response puts its own nonce and token. */
interface SharedPage {
  parts: string[];
  renderedAt: number;
}

export function registerRendering(app: FastifyInstance, views: nunjucks.Environment, site: SiteContext): void {
  // Stand-ins rendered into shared pages, random so nothing a visitor types can look like them.
  const nonceMark = `nonce${randomBytes(12).toString('hex')}`;
  const tokenMark = `token${randomBytes(12).toString('hex')}`;
  const marks = new RegExp(`(${nonceMark}|${tokenMark})`);
  const sharedPages = new LeastRecentlyUsed<string, SharedPage>(SHARED_PAGES_KEPT);

  function renderPage(reply: FastifyReply, template: string, context: Record<string, unknown>, cspNonce: string, csrfToken: string): string {
    return views.render(template, {
      currentSection: sectionOf(reply.request.url),
      ...context,
      site,
      actor: reply.request.actor,
      cspNonce,
      csrfToken,
    });
  }

  function sharedPage(reply: FastifyReply, template: string, context: Record<string, unknown>): string {
    const key = `${reply.statusCode} ${template} ${reply.request.url}`;
    let page = sharedPages.get(key);
    if (!page || Date.now() - page.renderedAt >= SHARED_PAGE_MAX_AGE_MS) {
      page = { parts: renderPage(reply, template, context, nonceMark, tokenMark).split(marks), renderedAt: Date.now() };
      sharedPages.set(key, page);
    }
    // The token is made only for a page with a form: making one sets the CSRF secret's cookie.
    let token: string | undefined;
    return page.parts.map((part) => (part === nonceMark ? reply.cspNonce.script : part === tokenMark ? (token ??= csrfToken(reply)) : part)).join('');
  }

  app.decorateReply('render', function render(this: FastifyReply, template: string, context = {}) {
    const request = this.request;
    // No actor when the session could not be read (the database away): the error page is then nobody's.
    const shared = request.routeOptions.config.sharedPage === true && request.method === 'GET' && request.actor?.kind === 'anonymous';
    // Every page may hold a form; the token pairs with the signed secret cookie it sets.
    const html = shared ? sharedPage(this, template, context) : renderPage(this, template, context, this.cspNonce.script, csrfToken(this));
    return this.type('text/html; charset=utf-8').send(html);
  });
}

/** A CSRF token for this response's forms, bound to the request's session (see registerSecurity in app.ts). */
function csrfToken(reply: FastifyReply): string {
  return reply.generateCsrf({ userInfo: reply.request.csrfBinding });
}

/** The navigation item a page belongs to, when its route does not say: by the start of its address. */
const sections: [string, string][] = [
  ['/report', 'report'],
  ['/track', 'report'],
  ['/map', 'map'],
  ['/services', 'services'],
  ['/find-your-council', 'find-your-council'],
  ['/account', 'account'],
  ['/staff', 'staff'],
];

function sectionOf(url: string): string | undefined {
  return sections.find(([prefix]) => url === prefix || url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}?`))?.[1];
}
