// Printable ASCII but space: what a Location header can carry as it is. Anything else (a tab,
// CR or LF, which browsers drop from URLs; a control character, which Node refuses in a header;
// a non-ASCII space) is refused rather than stripped, since what is left after stripping is
// exactly what an attacker wrote it to become.
const plainCharacters = /^[\x21-\x7e]+$/;
const MAX_LENGTH = 2000;

/** The path's text after undoing percent-encoding until nothing changes, or undefined if it is malformed. */
function decoded(path: string): string | undefined {
  let current = path;
  for (let round = 0; round < 4; round += 1) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return undefined;
    }
    if (next === current) return current;
    current = next;
  }
  return undefined;
}

/**
 * A return address taken from a query string or form (`next`), kept to this site: a plain path,
 * or else the fallback. It must start with exactly one `/`, hold only printable ASCII, and its path,
 * however many times percent-encoding is undone and dot segments resolved, must have no `\`, no
 * control character or space, and never begin `//` — each a way browsers or proxies have been led
 * to another host (`/\t/evil`, `/\evil`, `/%5Cevil`, `/%2F/evil`, `/.//evil`).
 */
export function safeReturnPath(value: unknown, fallback: string): string {
  if (typeof value !== 'string' || value.length > MAX_LENGTH || !plainCharacters.test(value)) return fallback;
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return fallback;
  const path = value.split(/[?#]/, 1)[0];
  const text = decoded(path);
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (text === undefined || /[\u0000-\u0020\u007f-\u00a0\\]/.test(text) || text.startsWith('//')) return fallback;
  // Dot segments resolved as a browser resolves them: `/x/..//evil` is `//evil`.
  let resolved: URL;
  try {
    resolved = new URL(text, 'http://this.site.invalid');
  } catch {
    return fallback;
  }
  if (resolved.host !== 'this.site.invalid' || resolved.pathname.startsWith('//')) return fallback;
  return value;
}
