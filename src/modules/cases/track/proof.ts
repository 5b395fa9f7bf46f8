import '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { casePaths } from '../paths.js';

/**
 * Proof, for an hour, that this browser may see a request's full tracking page: it gave the
 * request's reference and email, or it is the browser that sent the report. A signed cookie, so it
 * cannot be made up; it names one case and when the proof ends.
 */
const TRACK_COOKIE = 'shirehall_track';
const PROOF_MS = 60 * 60 * 1000;

export function createTrackingProof(clock: () => Date, secureCookies: boolean) {
  return {
    grant(reply: FastifyReply, caseId: number): void {
      reply.setCookie(TRACK_COOKIE, `${caseId}.${clock().getTime() + PROOF_MS}`, {
        path: casePaths.track,
        httpOnly: true,
        sameSite: 'lax',
        secure: secureCookies,
        signed: true,
      });
    },

    /** The case this browser has proved it may follow, if the proof is genuine and still in date. */
    provenCaseId(request: FastifyRequest): number | undefined {
      const raw = request.cookies[TRACK_COOKIE];
      if (!raw) return undefined;
      const unsigned = request.unsignCookie(raw);
      if (!unsigned.valid || !unsigned.value) return undefined;
      const [caseId, expires] = unsigned.value.split('.').map(Number);
      return expires > clock().getTime() ? caseId : undefined;
    },
  };
}

export type TrackingProof = ReturnType<typeof createTrackingProof>;
