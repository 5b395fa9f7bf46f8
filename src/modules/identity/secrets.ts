import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/** A random token for a cookie or an emailed link; only its hash is stored. */
export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

// argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): @node-rs/argon2's defaults.
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

let decoy: Promise<string> | undefined;

/**
 * Whether the password matches the hash. An account without a password (an unknown email, a
 * disabled account, staff who have not chosen one yet, a resident who signs in only through their
 * provider) is verified against a decoy made the same way and always refused: every answer costs
 * one argon2 verification, so its timing does not tell those accounts from real ones.
 */
export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  const hashed = passwordHash ?? (await (decoy ??= hashPassword(randomBytes(16).toString('hex'))));
  try {
    return (await verify(hashed, password)) && passwordHash !== null;
  } catch {
    return false;
  }
}

/** A password to print once for a demo account: 4 groups of 5 letters and digits. */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(20);
  const characters = [...bytes].map((byte) => alphabet[byte % alphabet.length]);
  return [0, 5, 10, 15].map((start) => characters.slice(start, start + 5).join('')).join('-');
}
