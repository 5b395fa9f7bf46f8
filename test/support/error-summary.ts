/** The GOV.UK error summary's links on a page: each message and the field it leads to. */
export function errorSummary(html: string): { text: string; href: string }[] {
  const summary = /<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((match) => ({
    href: match[1],
    text: match[2].trim(),
  }));
}
