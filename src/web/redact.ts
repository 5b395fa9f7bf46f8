/** Query parameters whose values are secrets: API keys and the tokens of emailed links. */
const secretParameters = ['api_key', 'token'];
// Made once: it runs on every request's log line.
const secretValues = new RegExp(`([?&](?:${secretParameters.join('|')})=)[^&#]*`, 'gi');

/** The address with every secret parameter's value replaced, for logs. */
export function redactSecrets(url: string): string {
  // Most addresses have no query at all.
  return url.includes('?') ? url.replace(secretValues, '$1[redacted]') : url;
}
