import { describe, expect, it } from 'vitest';
import { countPages, pageNumberField, paginationLinks } from './pagination.js';

describe('pageNumberField', () => {
  const page = pageNumberField(1000);

  it('reads the page number, the first of a repeated one', () => {
    expect(page.parse('3')).toBe(3);
    expect(page.parse(['4', '5'])).toBe(4);
  });

  it('shows the first page for no page number, or one that is not a page', () => {
    for (const given of [undefined, '', '0', '-2', '1.5', 'two', '1001']) expect(page.parse(given)).toBe(1);
  });
});

describe('countPages', () => {
  it('counts whole pages, and one for an empty list', () => {
    expect(countPages(0, 20)).toBe(1);
    expect(countPages(20, 20)).toBe(1);
    expect(countPages(21, 20)).toBe(2);
  });
});

describe('paginationLinks', () => {
  const href = (page: number) => `/list?page=${page}`;

  it('gives no links for a single page', () => {
    expect(paginationLinks(1, 1, href, 'Pages')).toBeNull();
  });

  it('links the first and last pages and those either side, with an ellipsis for each gap', () => {
    const links = paginationLinks(5, 9, href, 'Pages of things');
    expect(links?.landmarkLabel).toBe('Pages of things');
    expect(links?.items).toEqual([
      { number: 1, href: '/list?page=1', current: false },
      { ellipsis: true },
      { number: 4, href: '/list?page=4', current: false },
      { number: 5, href: '/list?page=5', current: true },
      { number: 6, href: '/list?page=6', current: false },
      { ellipsis: true },
      { number: 9, href: '/list?page=9', current: false },
    ]);
    expect(links?.previous).toEqual({ href: '/list?page=4' });
    expect(links?.next).toEqual({ href: '/list?page=6' });
  });

  it('has no previous link on the first page and no next link on the last', () => {
    expect(paginationLinks(1, 3, href, 'Pages')).toMatchObject({ previous: undefined, next: { href: '/list?page=2' } });
    expect(paginationLinks(3, 3, href, 'Pages')).toMatchObject({ previous: { href: '/list?page=2' }, next: undefined });
  });

  it('links a page past the end back to the last page', () => {
    const links = paginationLinks(8, 3, href, 'Pages');
    expect(links?.previous).toEqual({ href: '/list?page=3' });
    expect(links?.next).toBeUndefined();
    expect(links?.items.map((item) => item.number)).toEqual([1, undefined, 3]);
  });
});
