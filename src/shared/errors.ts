/**
 * The errors a service raises for the pages and APIs to answer: each carries its HTTP status, so
 * the error handlers (src/web/error-pages.ts) answer it in the caller's format.
 */

/** Raised by a service when the policy refuses; pages answer 403, never a hint of what exists. */
export class ForbiddenError extends Error {
  readonly statusCode = 403;
  readonly code = 'FORBIDDEN';
  constructor(message = 'You do not have permission to do this') {
    super(message);
    this.name = 'ForbiddenError';
  }
}

/** Raised when a record does not exist, or exists but the actor may not know it does. */
export class NotFoundError extends Error {
  readonly statusCode = 404;
  readonly code = 'NOT_FOUND';
  constructor(message = 'Not found') {
    super(message);
    this.name = 'NotFoundError';
  }
}
