import { describe, expect, it } from 'vitest';
import { neutraliseFormula } from './browse-service.js';

// Finding 9 of issue 9: the CSV formula guard.
describe('neutraliseFormula', () => {
  it('opens with an apostrophe whatever a spreadsheet would run as a formula', () => {
    for (const value of [
      '=1+1',
      '+1+1',
      '-1+1',
      '@SUM(A1)',
      '\t=1',
      '\r=1',
      '=HYPERLINK("http://evil.example")',
      "-2+3+cmd|' /C calc'!A0",
    ]) {
      expect(neutraliseFormula(value), JSON.stringify(value)).toBe(`'${value}`);
    }
  });

  it('catches the full-width look-alikes a spreadsheet reads as the same signs', () => {
    for (const value of ['＝1+1', '＋1+1', '－1+1', '＠SUM(A1)', '＝HYPERLINK("http://evil.example","click")']) {
      expect(neutraliseFormula(value), value).toBe(`'${value}`);
    }
  });

  it('leaves numbers alone, negative ones too, and ordinary text', () => {
    for (const value of [
      '-1.39',
      '-1.5558731',
      '+44',
      '-0',
      '53.138912',
      '-1e-7',
      '12',
      'DE4 3AG',
      'Outside number 12',
      '',
      'a=b',
    ]) {
      expect(neutraliseFormula(value), value).toBe(value);
    }
  });
});
