/** The worklist form's fields, as they are carried onto page links, the CSV link and the manager view's links. */
export const worklistFields = ['applied', 'whose', 'status', 'type', 'team', 'assignee', 'overdue', 'q'] as const;

export type WorklistValues = Partial<Record<(typeof worklistFields)[number], string | string[]>>;

/** What the person chose in the filters, as text, to show again and to carry onto links. */
export function worklistValues(query: Record<string, unknown>): WorklistValues {
  const values: WorklistValues = {};
  for (const field of worklistFields) {
    const given = [query[field]].flat().filter((value): value is string => typeof value === 'string' && value.trim() !== '').map((value) => value.trim());
    if (given.length === 0) continue;
    // Only the statuses are a list (checkboxes); any other repeated field counts as its first value.
    values[field] = field === 'status' ? given : given[0];
  }
  return values;
}

export function withQuery(path: string, values: WorklistValues, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...values, ...extra })) {
    for (const item of [value].flat()) if (item !== undefined) query.append(name, item);
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

interface PaginationItem {
  number?: number;
  href?: string;
  current?: boolean;
  ellipsis?: boolean;
}

/**
 * The GOV.UK pagination component's parameters: the first and last pages, those either side of
 * this one, and an ellipsis for each gap, as the Design System recommends.
 */
export function pagination(page: number, pageCount: number, hrefFor: (page: number) => string, landmarkLabel: string) {
  if (pageCount <= 1) return null;
  const shown = [...new Set([1, page - 1, page, page + 1, pageCount])].filter((number) => number >= 1 && number <= pageCount).sort((a, b) => a - b);
  const items: PaginationItem[] = [];
  shown.forEach((number, index) => {
    if (index > 0 && number - shown[index - 1] > 1) items.push({ ellipsis: true });
    items.push({ number, href: hrefFor(number), current: number === page });
  });
  return {
    landmarkLabel,
    items,
    previous: page > 1 ? { href: hrefFor(Math.min(page - 1, pageCount)) } : undefined,
    next: page < pageCount ? { href: hrefFor(page + 1) } : undefined,
  };
}
