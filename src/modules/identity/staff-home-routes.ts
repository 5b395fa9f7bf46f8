import type { FastifyInstance } from 'fastify';
import type { StaffActor } from '../../shared/actor.js';
import { staffOnly } from './guards.js';
import { identityPaths } from './paths.js';
import { hasCapability, type Capability } from './policy.js';
import { roleNames } from './schemas.js';

export interface StaffHomeLink {
  href: string;
  text: string;
  description: string;
  /** Shown to staff who hold it; omitted, shown to all staff. */
  capability?: Capability;
}

/**
 * The staff area's front page is the links each module adds as it registers (what it offers, and to
 * whom), in the order the modules are registered.
 */
export interface StaffHome {
  add(...links: StaffHomeLink[]): void;
}

export function createStaffHome(): StaffHome & { readonly links: readonly StaffHomeLink[] } {
  const links: StaffHomeLink[] = [];
  return { links, add: (...more) => void links.push(...more) };
}

/** The staff area's front page: links to what this member of staff may do, by capability. */
export function registerStaffHomeRoutes(app: FastifyInstance, links: readonly StaffHomeLink[]): void {
  app.get(identityPaths.staff.home, { preHandler: staffOnly }, async (request, reply) => {
    const actor = request.actor as StaffActor;
    const visible = links.filter((link) => !link.capability || hasCapability(actor, link.capability));
    return reply.render('identity/views/staff/home.njk', { links: visible, roleNames, currentSection: 'staff' });
  });
}
