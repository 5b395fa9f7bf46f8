/**
 * Tells an error that means "the database cannot be reached just now" from every other error: the
 * first is the service being unavailable for a moment (503, try again), the others are our faults
 * (500). pg.Pool opens new connections by itself once the server answers again, so nothing here
 * remembers anything: every error is judged on its own.
 */

/**
 * SQLSTATEs of a lost or refused connection: class 08 (connection exception), 57P01 admin_shutdown
 * (pg_terminate_backend, a fast shutdown), 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up
 * or shutting down), 53300 too_many_connections.
 */
const connectionStates = new Set(['57P01', '57P02', '57P03', '53300']);

// What the socket says when the server is not there, or goes away mid-conversation.
const socketCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

// pg's own words when a connection ends under it, or cannot be had in time.
const driverMessages = [
  /^Connection terminated/,
  /not queryable/,
  /^timeout exceeded when trying to connect/i,
  /^Connection ended unexpectedly/,
];

interface ErrorFields {
  code?: unknown;
  severity?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
}

function isConnectionErrorItself(error: ErrorFields): boolean {
  const code = typeof error.code === 'string' ? error.code : '';
  if (connectionStates.has(code) || code.startsWith('08') || socketCodes.has(code)) return true;
  // FATAL ends the server's session: whatever its state, this connection is gone (a refused start-up,
  // a database not accepting connections, a terminated backend).
  if (error.severity === 'FATAL' || error.severity === 'PANIC') return true;
  const message = typeof error.message === 'string' ? error.message : '';
  return driverMessages.some((pattern) => pattern.test(message));
}

/** True when the error, or one it wraps (`cause`, an AggregateError's `errors`), is a lost connection. */
export function isConnectionError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const fields = error as ErrorFields;
  if (isConnectionErrorItself(fields)) return true;
  if (isConnectionError(fields.cause, depth + 1)) return true;
  // Connecting to "localhost" tries ::1 and 127.0.0.1: both refusals arrive as one AggregateError.
  return Array.isArray(fields.errors) && fields.errors.some((inner) => isConnectionError(inner, depth + 1));
}
