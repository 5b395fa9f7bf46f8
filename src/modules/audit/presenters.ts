/** The query-string fields of the filter form, kept on page links and the CSV link. */
export const filterFields = ['actor', 'action', 'recordType', 'recordId', 'organisation', 'from-day', 'from-month', 'from-year', 'to-day', 'to-month', 'to-year'] as const;

/** What the person typed into the filters, as text, to show again and to carry onto links. */
export function filterValues(query: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of filterFields) {
    const value = [query[field]].flat()[0];
    if (typeof value === 'string' && value.trim() !== '') values[field] = value.trim();
  }
  return values;
}

export function withQuery(path: string, values: Record<string, string>, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams({ ...values, ...extra }).toString();
  return query ? `${path}?${query}` : path;
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
export function pagination(page: number, pageCount: number, hrefFor: (page: number) => string) {
  if (pageCount <= 1) return null;
  const shown = [...new Set([1, page - 1, page, page + 1, pageCount])].filter((number) => number >= 1 && number <= pageCount).sort((a, b) => a - b);
  const items: PaginationItem[] = [];
  shown.forEach((number, index) => {
    if (index > 0 && number - shown[index - 1] > 1) items.push({ ellipsis: true });
    items.push({ number, href: hrefFor(number), current: number === page });
  });
  return {
    landmarkLabel: 'Audit log pages',
    items,
    previous: page > 1 ? { href: hrefFor(Math.min(page - 1, pageCount)) } : undefined,
    next: page < pageCount ? { href: hrefFor(page + 1) } : undefined,
  };
}
