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

  /**
   * Posts a form with files as multipart/form-data, as a browser posts a form with a file input,
   * the CSRF token in its hidden field (`token: null` leaves it out). Each file's content type is
   * the browser's guess from the name, which the server must not believe.
   */
  async postMultipart(
    url: string,
    form: Record<string, string | string[]>,
    files: { field?: string; filename: string; bytes: Buffer; contentType?: string }[],
    options: { from?: string; token?: string | null } = {},
  ): Promise<LightMyRequestResponse> {
    const token = options.token === undefined ? await this.csrfToken(options.from ?? url) : options.token;
    const boundary = `----shirehall${Math.random().toString(16).slice(2)}`;
    const chunks: Buffer[] = [];
    const field = (name: string, value: string) =>
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
    if (token !== null) field('_csrf', token);
    for (const [name, value] of Object.entries(form)) for (const item of [value].flat()) field(name, item);
    for (const file of files) {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'photos'}"; filename="${file.filename}"\r\n` +
            `Content-Type: ${file.contentType ?? 'image/jpeg'}\r\n\r\n`,
        ),
        file.bytes,
        Buffer.from('\r\n'),
      );
    }
    chunks.push(Buffer.from(`--${boundary}--\r\n`));
    const response = await this.app.inject({
      method: 'POST',
      url,
      payload: Buffer.concat(chunks),
      headers: { cookie: this.cookieHeader, 'content-type': `multipart/form-data; boundary=${boundary}` },
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
