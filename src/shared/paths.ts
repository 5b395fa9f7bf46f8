/** `path?name=value&…` with the values given (a list repeats its name); no query at all when there are none. */
export function withQuery(
  path: string,
  values: Record<string, string | string[] | undefined>,
  extra: Record<string, string> = {},
): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...values, ...extra })) {
    for (const item of [value ?? []].flat()) query.append(name, item);
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/** The names of a pattern's parameters: '/staff/cases/:id/questions/:questionId' → 'id' | 'questionId'. */
export type RouteParamNames<Pattern extends string> = Pattern extends `${string}:${infer Name}/${infer Rest}`
  ? Name | RouteParamNames<`/${Rest}`>
  : Pattern extends `${string}:${infer Name}`
    ? Name
    : never;

export type RouteParams<Pattern extends string> = Record<RouteParamNames<Pattern>, string | number>;

/** An address with parameters: call it for a path (`route({ id: 7 })`), or give Fastify its `pattern`. */
export type Route<Pattern extends string> = ((params: RouteParams<Pattern>) => string) & { readonly pattern: Pattern };

/**
 * One definition of an address with parameters, so its Fastify pattern and the paths built for
 * links and redirects cannot drift apart. Each parameter is encoded: a reference or slug with a
 * space or a slash in it stays one segment of the path.
 */
export function route<Pattern extends string>(pattern: Pattern): Route<Pattern> {
  const build = (params: RouteParams<Pattern>) =>
    pattern.replace(/:([A-Za-z][A-Za-z0-9_]*)/g, (_match, name: string) => {
      const value = (params as Record<string, string | number | undefined>)[name];
      if (value === undefined) throw new Error(`No ${name} for ${pattern}`);
      return encodeURIComponent(String(value));
    });
  return Object.assign(build, { pattern });
}
