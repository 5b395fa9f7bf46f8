import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';

/**
 * A browser-like client for in-process tests: it keeps cookies between requests and sends each form
 * with the CSRF token of the page it came from, as a person's browser would.
 */
export class TestClient {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly app: FastifyInstance) {}

  private remember(response: LightMyRequestResponse) {
    for (const cookie of response.cookies) {
      if (cookie.expires && cookie.expires.getTime() <= Date.now()) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
  }

  private get cookieHeader() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader } });
    this.remember(response);
    return response;
  }

  /** Posts a form as if submitted from `from` (default: the same address), CSRF token included. */
  async post(url: string, form: Record<string, string | string[]>, from = url): Promise<LightMyRequestResponse> {
    const page = await this.get(from);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    if (!token) throw new Error(`No CSRF token on ${from} (status ${page.statusCode})`);
    return this.postWithToken(url, form, token);
  }

  async postWithToken(
    url: string,
    form: Record<string, string | string[]>,
    token: string | undefined,
  ): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(form)) for (const item of [value].flat()) body.append(name, item);
    if (token !== undefined) body.append('_csrf', token);
    const response = await this.app.inject({
      method: 'POST',
      url,
      payload: body.toString(),
      headers: { cookie: this.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
    });
    this.remember(response);
    return response;
  }

  /** Any request at all, with this client's cookies: for the fuzz suite's hostile inputs. */
  async send(options: InjectOptions & { headers?: Record<string, string> }): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({ ...options, headers: { ...options.headers, cookie: this.cookieHeader } });
    this.remember(response);
    return response;
  }

  /** The CSRF token of a page's form, as the browser would read it to post that form. */
  async csrfToken(from: string): Promise<string> {
    const page = await this.get(from);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    if (!token) throw new Error(`No CSRF token on ${from} (status ${page.statusCode})`);
    return token;
  }

  hasCookie(name: string): boolean {
    return this.cookies.has(name);
  }
}
