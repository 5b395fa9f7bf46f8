import type { FastifyReply, FastifyRequest } from 'fastify';
import { identityPaths } from './paths.js';

/** Sends anyone who is not signed in as staff to the staff sign-in page, and back here after. */
export async function staffOnly(request: FastifyRequest, reply: FastifyReply) {
  if (request.actor.kind === 'staff') return;
  const next = request.method === 'GET' ? request.url : identityPaths.staff.home;
  return reply.redirect(`${identityPaths.staff.signIn}?next=${encodeURIComponent(next)}`);
}

/** Sends anyone who is not signed in as a citizen to the account sign-in page, and back here after. */
export async function citizenOnly(request: FastifyRequest, reply: FastifyReply) {
  if (request.actor.kind === 'citizen') return;
  const next = request.method === 'GET' ? request.url : identityPaths.citizen.home;
  return reply.redirect(`${identityPaths.citizen.signIn}?next=${encodeURIComponent(next)}`);
}
