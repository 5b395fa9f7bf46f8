import pg from 'pg';

/** A connection to the server's maintenance database, for creating and dropping test databases. */
export function adminConnection(url: string): pg.Pool {
  return new pg.Pool({ connectionString: databaseUrlFor(url, 'postgres'), max: 2 });
}

export function databaseUrlFor(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
