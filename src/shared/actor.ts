import type { StaffRole } from '../db/schema.js';

/** Who is making a request. Every service function that reads or changes records is given one. */
export type Actor = AnonymousActor | StaffActor | CitizenActor;

export interface AnonymousActor {
  kind: 'anonymous';
}

export interface StaffActor {
  kind: 'staff';
  staffId: number;
  name: string;
  email: string;
  organisationId: number;
  organisationName: string;
  roles: StaffRole[];
}

export interface CitizenActor {
  kind: 'citizen';
  citizenId: number;
  name: string;
  email: string;
}

export const anonymous: AnonymousActor = { kind: 'anonymous' };

export function actorLabel(actor: Actor): string {
  switch (actor.kind) {
    case 'staff':
      return `${actor.name} <${actor.email}> (${actor.organisationName})`;
    case 'citizen':
      return `${actor.name} <${actor.email}>`;
    case 'anonymous':
      return 'anonymous';
  }
}
