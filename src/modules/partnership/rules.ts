/**
 * A request the policy allows but the partnership's rules refuse: a council that must stay in the
 * partnership, an agreement that is no longer a draft. Pages show the message beside `field`.
 */
export class PartnershipRuleError extends Error {
  constructor(
    readonly field: string,
    message: string,
    /** 400 for a form to correct; 409 when the record has moved on (someone acted first). */
    readonly statusCode: 400 | 409 = 400,
  ) {
    super(message);
    this.name = 'PartnershipRuleError';
  }
}

/** "Citizens Advice Derbyshire" → "citizens-advice-derbyshire": lower case, ASCII letters, numbers and hyphens. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return slug || 'unnamed';
}

/** The first of `base`, `base-2`, `base-3`… that is not taken. */
export function firstFreeSlug(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base;
  for (let number = 2; ; number++) if (!taken.has(`${base}-${number}`)) return `${base}-${number}`;
}
