/** Query parameters whose values are secrets: API keys and the tokens of emailed links. */
const secretParameters = ['api_key', 'token'];
// Made once: it runs on every request's log line.
const secretValues = new RegExp(`([?&](?:${secretParameters.join('|')})=)[^&#]*`, 'gi');

// Emailed links whose secret is in the path: a referee's reference link, a job alert's unsubscribe and keep links.
const secretPaths = /^(\/references\/|\/jobs\/alerts\/(?:unsubscribe|keep)\/)[^/?#]+/;

/** The address with every secret parameter's value replaced, for logs. */
export function redactSecrets(url: string): string {
  const path = url.replace(secretPaths, '$1[redacted]');
  // Most addresses have no query at all.
  return path.includes('?') ? path.replace(secretValues, '$1[redacted]') : path;
}
