import { z } from 'zod';

/**
 * Pages of a list, and the GOV.UK pagination component's parameters for them. Every paged list
 * (the worklist, the audit log, the outbox, the map's list of requests) counts and links its pages
 * the same way.
 */

/**
 * The page number from the query string. One that is not a page number (0, "two", past `largest`)
 * shows the first page rather than an error: it comes from links, not people. A repeated parameter
 * counts as its first value.
 */
export function pageNumberField(largest: number) {
  return z.preprocess(
    (value) => (Array.isArray(value) ? value[0] : value),
    z.coerce.number().int().min(1).max(largest).catch(1).default(1),
  );
}

/** How many pages `total` items fill; an empty list still has its one (empty) page. */
export function countPages(total: number, perPage: number): number {
  return Math.max(1, Math.ceil(total / perPage));
}

interface PaginationItem {
  number?: number;
  href?: string;
  current?: boolean;
  ellipsis?: boolean;
}

/**
 * The GOV.UK pagination component's parameters: the first and last pages, those either side of
 * this one, and an ellipsis for each gap, as the Design System recommends. Null for a single page,
 * which needs no links. A page past the end links back to the last page.
 */
export function paginationLinks(page: number, pages: number, hrefFor: (page: number) => string, landmarkLabel: string) {
  if (pages <= 1) return null;
  const shown = [...new Set([1, page - 1, page, page + 1, pages])]
    .filter((number) => number >= 1 && number <= pages)
    .sort((a, b) => a - b);
  const items: PaginationItem[] = [];
  shown.forEach((number, index) => {
    if (index > 0 && number - shown[index - 1] > 1) items.push({ ellipsis: true });
    items.push({ number, href: hrefFor(number), current: number === page });
  });
  return {
    landmarkLabel,
    items,
    previous: page > 1 ? { href: hrefFor(Math.min(page - 1, pages)) } : undefined,
    next: page < pages ? { href: hrefFor(page + 1) } : undefined,
  };
}
