import '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type nunjucks from 'nunjucks';

export interface SiteContext {
  partnershipName: string;
}

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a Nunjucks page with the site's shared context and this response's CSP nonce. */
    render(template: string, context?: Record<string, unknown>): FastifyReply;
  }
}

export function registerRendering(app: FastifyInstance, views: nunjucks.Environment, site: SiteContext): void {
  app.decorateReply('render', function render(this: FastifyReply, template: string, context = {}) {
    const html = views.render(template, {
      currentSection: sectionOf(this.request.url),
      ...context,
      site,
      actor: this.request.actor,
      cspNonce: this.cspNonce.script,
      // Every page may hold a form; the token pairs with the signed secret cookie it sets.
      csrfToken: this.generateCsrf(),
    });
    return this.type('text/html; charset=utf-8').send(html);
  });
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
