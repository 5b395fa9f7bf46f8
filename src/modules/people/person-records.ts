import type { StaffActor } from '../../shared/actor.js';

/** One of a person's records in another module (a case, later an application), as the customer view lists it. */
export interface PersonRecord {
  /** The person record it is linked to: the one searched for, or one merged into it. */
  personId: number;
  href: string;
  reference: string;
  title: string;
  organisationName: string;
  status: string;
  at: Date;
  /** Whether what the viewer may see of it includes the person's contact details. */
  sharesContactDetails: boolean;
}

/**
 * A module's records of people. The customer view knows no module's tables: each module that links
 * records to people adds a source, which answers with only what this member of staff may see.
 */
export interface PersonRecordSource {
  /** The heading of its part of the page: "Cases". */
  heading: string;
  recordsOf(actor: StaffActor, personIds: number[]): Promise<PersonRecord[]>;
  /** The person one of its references belongs to ("DBY-2026-000123"), if the viewer may see it. */
  personOfReference(actor: StaffActor, reference: string): Promise<number | null>;
}

export function createPersonRecordSources() {
  const sources: PersonRecordSource[] = [];
  return {
    add(source: PersonRecordSource): void {
      sources.push(source);
    },
    all(): readonly PersonRecordSource[] {
      return sources;
    },
  };
}

export type PersonRecordSources = ReturnType<typeof createPersonRecordSources>;
