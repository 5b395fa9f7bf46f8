/** `path?name=value&…` with the values given (a list repeats its name); no query at all when there are none. */
export function withQuery(path: string, values: Record<string, string | string[] | undefined>, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...values, ...extra })) {
    for (const item of [value ?? []].flat()) query.append(name, item);
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
