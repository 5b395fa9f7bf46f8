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

/**
 * For a shared page whose address differs between visitors only in a value the page repeats (the
 * postcode on a service page: one page per council, not one per postcode).
 */
export interface SharedAs {
  /** What the page's content depends on, apart from the echoed values: the page is kept under it. */
  key: string;
  /** Each value the page repeats, by name; the context holds `echoed(name)` where the value goes. */
  echoes: Record<string, string>;
}

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a Nunjucks page with the site's shared context and this response's CSP nonce. */
    render(template: string, context?: Record<string, unknown>, sharedAs?: SharedAs): FastifyReply;
  }
  interface FastifyContextConfig {
    /**
     * The page is the same for every visitor who is not signed in, given its address: the rendered
     * page is kept for a while and served to each with their own CSP nonce and CSRF token.
     */
    sharedPage?: boolean;
  }
}

// Stand-ins rendered into shared pages, random so nothing a visitor types can look like them.
const nonceMark = `nonce${randomBytes(12).toString('hex')}`;
const tokenMark = `token${randomBytes(12).toString('hex')}`;
const echoMark = `echo${randomBytes(12).toString('hex')}`;
// One group: split() puts every mark it finds at an odd index, the page's own text at the even ones.
const marks = new RegExp(`(${nonceMark}|${tokenMark}|${echoMark}_[A-Za-z]+_)`);
const echoMarks = new RegExp(`(${echoMark}_[A-Za-z]+_)`);

/**
 * Where a shared page repeats the value named `name` of its `SharedAs.echoes`: put it in the
 * template's context instead of the value. Letters only, so autoescaping leaves it as it is.
 */
export function echoed(name: string): string {
  if (!/^[A-Za-z]+$/.test(name)) throw new Error(`An echoed value's name is letters only: ${name}`);
  return `${echoMark}_${name}_`;
}

/** The value an echo mark stands for, escaped as Nunjucks' autoescape would have escaped it. */
function echoValue(mark: string, echoes: Record<string, string>): string {
  const name = mark.slice(echoMark.length + 1, -1);
  return nunjucksEscape(echoes[name] ?? '');
}

function nunjucksEscape(text: string): string {
  return text.replace(/[&"'<>]/g, (character) => escapes[character]);
}
const escapes: Record<string, string> = { '&': '&amp;', '"': '&quot;', "'": '&#39;', '<': '&lt;', '>': '&gt;' };

/**
 * The page with each run of blank lines and indentation between two tags made one newline: a fifth of
 * the A-Z's 27 KB, sent with every answer. A browser shows any run of white space between tags as one,
 * so the page looks the same; only <pre> and <textarea> keep theirs, and a page with one is left as it is.
 */
function withoutIndentation(html: string): string {
  return /<(pre|textarea)\b/i.test(html) ? html : html.replace(/>\s*\n\s*</g, '>\n<');
}

/** A shared page is rendered again after this long, so a change to what it shows reaches it soon. */
const SHARED_PAGE_MAX_AGE_MS = 30_000;
const SHARED_PAGES_KEPT = 500;

/**
 * A rendered page cut where each response puts its own nonce, token and echoed values: the text
 * between them already encoded as UTF-8, so an answer copies bytes instead of encoding the page again.
 */
interface SharedPage {
  /** The page's own text: one more than `marks`, each mark between two of them. */
  texts: Buffer[];
  marks: string[];
  renderedAt: number;
}

export function registerRendering(app: FastifyInstance, views: nunjucks.Environment, site: SiteContext): void {
  const sharedPages = new LeastRecentlyUsed<string, SharedPage>(SHARED_PAGES_KEPT);

  function renderPage(
    reply: FastifyReply,
    template: string,
    context: Record<string, unknown>,
    cspNonce: string,
    csrfToken: string,
  ): string {
    return views.render(template, {
      currentSection: sectionOf(reply.request.url),
      ...context,
      site,
      actor: reply.request.actor,
      cspNonce,
      csrfToken,
    });
  }

  function sharedPage(
    reply: FastifyReply,
    template: string,
    context: Record<string, unknown>,
    sharedAs: SharedAs | undefined,
  ): Buffer {
    const key = `${reply.statusCode} ${template} ${sharedAs ? `as ${sharedAs.key}` : reply.request.url}`;
    let page = sharedPages.get(key);
    if (!page || Date.now() - page.renderedAt >= SHARED_PAGE_MAX_AGE_MS) {
      const parts = withoutIndentation(renderPage(reply, template, context, nonceMark, tokenMark)).split(marks);
      page = {
        texts: parts.filter((_part, index) => index % 2 === 0).map((text) => Buffer.from(text)),
        marks: parts.filter((_part, index) => index % 2 === 1),
        renderedAt: Date.now(),
      };
      sharedPages.set(key, page);
    }
    // The token is made only for a page with a form: making one sets the CSRF secret's cookie.
    let token: string | undefined;
    const echoes = sharedAs?.echoes ?? {};
    const chunks: Buffer[] = [page.texts[0]];
    page.marks.forEach((mark, index) => {
      const value =
        mark === nonceMark
          ? reply.cspNonce.script
          : mark === tokenMark
            ? (token ??= csrfToken(reply))
            : echoValue(mark, echoes);
      chunks.push(Buffer.from(value), page.texts[index + 1]);
    });
    return Buffer.concat(chunks);
  }

  /** A page of one visitor's own: rendered for this answer alone, its echoed values put in after. */
  function ownPage(
    reply: FastifyReply,
    template: string,
    context: Record<string, unknown>,
    sharedAs: SharedAs | undefined,
  ): string {
    // Every page may hold a form; the token pairs with the signed secret cookie it sets.
    const html = renderPage(reply, template, context, reply.cspNonce.script, csrfToken(reply));
    if (!sharedAs) return html;
    return html
      .split(echoMarks)
      .map((part, index) => (index % 2 === 0 ? part : echoValue(part, sharedAs.echoes)))
      .join('');
  }

  app.decorateReply('render', function render(this: FastifyReply, template: string, context = {}, sharedAs?: SharedAs) {
    const request = this.request;
    // No actor when the session could not be read (the database away): the error page is then nobody's.
    const shared =
      request.routeOptions.config.sharedPage === true &&
      request.method === 'GET' &&
      request.actor?.kind === 'anonymous';
    const html = shared ? sharedPage(this, template, context, sharedAs) : ownPage(this, template, context, sharedAs);
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
  return sections.find(
    ([prefix]) => url === prefix || url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}?`),
  )?.[1];
}
