/**
 * Emails worded by the organisation that sends them, in the GOV.UK Notify style: `((reference))` in a
 * template is replaced by the value of `reference` when it is sent. Each module keeps its own kinds of
 * message and their placeholders; filling them in is the same everywhere.
 */
export interface MessageText {
  subject: string;
  body: string;
}

const placeholderPattern = /\(\(([^()]*)\)\)/g;

/** The placeholders a text names, each once, in the order they appear. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(placeholderPattern)].map((match) => match[1]))];
}

/**
 * Fills a template's placeholders. A value left empty (an update with no message) leaves no gap of
 * blank lines behind, so the defaults read well with or without it.
 */
export function renderMessage(template: MessageText, values: Record<string, string>): MessageText {
  const fill = (text: string) => text.replace(placeholderPattern, (whole, name: string) => values[name] ?? whole);
  return {
    subject: fill(template.subject).replace(/\s+/g, ' ').trim(),
    body: fill(template.body).replace(/\n{3,}/g, '\n\n'),
  };
}
