/** Query parameters whose values are secrets: API keys and the tokens of emailed links. */
const secretParameters = ['api_key', 'token'];

/** The address with every secret parameter's value replaced, for logs. */
export function redactSecrets(url: string): string {
  return url.replace(new RegExp(`([?&](?:${secretParameters.join('|')})=)[^&#]*`, 'gi'), '$1[redacted]');
}
