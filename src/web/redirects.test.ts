import { describe, expect, it } from 'vitest';
import { safeReturnPath } from './redirects.js';

// Finding 4 of issue 9: a return address must be a plain path of this site, or the default is used.
describe('safeReturnPath', () => {
  const fallback = '/home';

  it('keeps a plain path of this site, with its query and fragment', () => {
    for (const path of [
      '/',
      '/staff',
      '/staff/cases?status=open&status=closed&page=2',
      '/report/where?change=yes',
      '/services?q=bin%20collection',
      '/track/DBY-2026-000001#updates',
      '/a.b/c-d_e~f',
      '/caf%C3%A9',
    ]) {
      expect(safeReturnPath(path, fallback), path).toBe(path);
    }
  });

  it('refuses every known way to leave the site, and anything that is not text', () => {
    const bypasses = [
      '//evil.example',
      '///evil.example',
      '/\\evil.example',
      '/\\\\evil.example',
      '\\\\evil.example',
      '/\t/evil.example',
      '/\n/evil.example',
      '/\r\n/evil.example',
      '\t//evil.example',
      ' /evil',
      '/ /evil.example',
      '/\u0000/evil.example',
      '/\u000b/evil.example',
      '/%09/evil.example',
      '/%0a/evil.example',
      '/%0D%0A/evil.example',
      '/%5Cevil.example',
      '/%5cevil.example',
      '/%2F/evil.example',
      '/%2f%2fevil.example',
      '/%252F/evil.example',
      '/%255Cevil.example',
      '/.//evil.example',
      '/./%2F/evil.example',
      '/x/..//evil.example',
      '/%',
      '/%zz',
      'https://evil.example',
      'http:/evil.example',
      '//evil.example/staff',
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'evil.example',
      '',
      '/\u3000/evil.example',
      '/\u2028evil',
      '/\ufeff/evil.example',
      '/é',
      `/${'a'.repeat(3000)}`,
    ];
    for (const value of bypasses) expect(safeReturnPath(value, fallback), JSON.stringify(value)).toBe(fallback);
    for (const value of [undefined, null, 42, ['/staff'], { path: '/staff' }])
      expect(safeReturnPath(value, fallback)).toBe(fallback);
  });
});
