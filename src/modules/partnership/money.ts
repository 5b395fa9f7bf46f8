// Amounts are kept in whole pence so sums never drift; people type and read pounds.
const MAX_PENCE = 10_000_000_000_000; // £100 billion: far above any project, far below 2^53.

export type ParsedMoney = { ok: true; pence: number } | { ok: false; problem: 'format' | 'too-large' };

/** "£1,250.50", "1250.5", " 1,250 " → pence. An empty answer is £0. */
export function parsePounds(input: string): ParsedMoney {
  if (input.trim() === '') return { ok: true, pence: 0 };
  const text = input.trim().replace(/^£\s*/, '');
  // Commas only as thousands separators (1,250 or 1250, never 12,50), at most two decimal places.
  const match = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) return { ok: false, problem: 'format' };
  const pounds = match[1].replaceAll(',', '');
  const pence = (match[2] ?? '').padEnd(2, '0');
  if (pounds.length > 12) return { ok: false, problem: 'too-large' };
  const total = Number(pounds) * 100 + Number(pence);
  return total > MAX_PENCE ? { ok: false, problem: 'too-large' } : { ok: true, pence: total };
}

/** 125050 → "£1,250.50"; whole pounds without pence, as the GOV.UK style guide writes them: "£75". */
export function formatPence(pence: number): string {
  const pounds = Math.floor(pence / 100);
  const rest = pence % 100;
  const whole = `£${pounds.toLocaleString('en-GB')}`;
  return rest === 0 ? whole : `${whole}.${String(rest).padStart(2, '0')}`;
}

/** The amount as it goes back into a form field that already shows "£": "1250.50", or "" for nothing. */
export function penceForInput(pence: number): string {
  if (pence === 0) return '';
  const rest = pence % 100;
  return rest === 0 ? String(Math.floor(pence / 100)) : `${Math.floor(pence / 100)}.${String(rest).padStart(2, '0')}`;
}
