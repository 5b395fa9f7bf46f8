/**
 * A unique constraint refused the row: PostgreSQL's SQLSTATE 23505, from pg and PGlite alike.
 * Services check for a duplicate first, to say so in the form; this catches the one that arrives
 * between the check and the insert (two people saving the same name at once), so it too becomes
 * the form's message instead of a server error. `constraint` narrows it to one constraint's name.
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, constraint: name } = error as { code?: unknown; constraint?: unknown };
  return code === '23505' && (constraint === undefined || name === constraint);
}

/**
 * For `.catch()`: a unique violation of `constraint` becomes the error `replacement` makes (the
 * service's own rule error, which the form shows beside its field); anything else is thrown on.
 */
export function whenUnique(constraint: string, replacement: () => Error): (error: unknown) => never {
  return (error) => {
    throw isUniqueViolation(error, constraint) ? replacement() : error;
  };
}

/**
 * Runs `attempt` again when `constraint` refuses it: for values the service picks itself (a slug
 * made from a name), where someone saving the same name at the same moment took the one picked.
 * Each attempt is a transaction of its own, so the next one sees what the other committed.
 */
export async function retryOnUnique<T>(constraint: string, attempt: () => Promise<T>, attempts = 3): Promise<T> {
  for (let tried = 1; ; tried += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (tried >= attempts || !isUniqueViolation(error, constraint)) throw error;
    }
  }
}
