import type { StaffActor } from '../../../shared/actor.js';
import { sharesCategory } from '../../../shared/sharing.js';
import type { PersonRecord, PersonRecordSource } from '../../people/index.js';
import type { CaseRepository } from '../core/case-repository.js';
import type { CaseService } from '../core/case-service.js';
import { staffStatusNames } from '../core/status.js';
import { casePaths } from '../paths.js';

export interface PersonCasesDependencies {
  repository: CaseRepository;
  cases: CaseService;
  clock: () => Date;
}

/**
 * A person's cases for the customer view: each checked as the case page checks it (own
 * organisation, recorded by it, or shared by an agreement), so the page lists no case its viewer
 * could not open, and says which of them share the person's contact details.
 */
export function createPersonCases({ repository, cases, clock }: PersonCasesDependencies): PersonRecordSource {
  return {
    heading: 'Cases',

    async recordsOf(actor: StaffActor, personIds: number[]): Promise<PersonRecord[]> {
      const now = clock();
      const shown: PersonRecord[] = [];
      for (const record of await repository.ofPeople(personIds)) {
        const sharing = await cases.sharing.accessTo(actor, record, now);
        if (sharing.access === 'none') continue;
        shown.push({
          personId: record.person_id,
          href: casePaths.staff.case({ id: record.id }),
          reference: record.reference,
          title: record.type_name,
          organisationName: record.organisation_name,
          status: staffStatusNames[record.status],
          at: record.created_at,
          sharesContactDetails: sharesCategory(sharing.categories, 'contact_details'),
        });
      }
      return shown;
    },

    async personOfReference(actor: StaffActor, reference: string): Promise<number | null> {
      const record = await repository.findByReference(reference);
      if (!record?.person_id) return null;
      const sharing = await cases.sharing.accessTo(actor, record, clock());
      return sharing.access === 'none' ? null : record.person_id;
    },
  };
}
