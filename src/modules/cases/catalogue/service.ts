import { refreshing } from '../../../shared/cache.js';
import { providerFor, type Council, type Place } from '../../places/service.js';
import type { CatalogueRepository, RequestType } from './repository.js';

/** One kind of request as a resident sees it, whichever council will receive it. */
export interface RequestKind {
  serviceCode: string;
  name: string;
  group: string;
  description: string;
  hint: string;
  tier: RequestType['tier'];
}

export type Routing =
  | { outcome: 'routed'; requestType: RequestType; provider: Council }
  | { outcome: 'not-a-member'; provider: Council }
  | { outcome: 'not-offered'; provider: Council }
  | { outcome: 'unknown-kind' };

export interface CatalogueServiceDependencies {
  repository: CatalogueRepository;
  /** The partnership's member organisations, asked each time since administrators may change them. */
  memberOrganisationIds: () => Promise<number[]>;
}

// Every report and Open311 post reads the catalogue: it is held for a few seconds. Administrators'
// changes drop this process's copy at once (`changed`); other processes see them when theirs expires.
// Whether the receiving council offers a kind is always read afresh, in `route`.
const CATALOGUE_MAX_AGE_MS = 5_000;
const BANK_HOLIDAYS_MAX_AGE_MS = 60 * 60_000;

export function createCatalogueService({ repository, memberOrganisationIds }: CatalogueServiceDependencies) {
  const activeTypes = refreshing(
    async () => repository.listActive(await memberOrganisationIds()),
    CATALOGUE_MAX_AGE_MS,
  );
  const bankHolidays = refreshing(() => repository.bankHolidays(), BANK_HOLIDAYS_MAX_AGE_MS);

  async function kinds(): Promise<RequestKind[]> {
    const types = await activeTypes.get();
    const byCode = new Map<string, RequestKind>();
    for (const type of types) {
      if (!byCode.has(type.serviceCode)) {
        const { serviceCode, name, group, description, hint, tier } = type;
        byCode.set(serviceCode, { serviceCode, name, group, description, hint, tier });
      }
    }
    return [...byCode.values()].sort((a, b) => a.group.localeCompare(b.group) || a.name.localeCompare(b.name));
  }

  return {
    kinds,

    /** Kinds whose name, description or keywords contain every word searched for. */
    async searchKinds(search: string): Promise<RequestKind[]> {
      const words = search.toLowerCase().split(/\s+/).filter(Boolean);
      const types = await activeTypes.get();
      const matching = new Set(
        types
          .filter((type) =>
            words.every((word) =>
              `${type.name} ${type.description} ${type.keywords} ${type.group}`.toLowerCase().includes(word),
            ),
          )
          .map((type) => type.serviceCode),
      );
      return (await kinds()).filter((kind) => matching.has(kind.serviceCode));
    },

    async findKind(serviceCode: string): Promise<RequestKind | undefined> {
      return (await kinds()).find((kind) => kind.serviceCode === serviceCode);
    },

    /**
     * Which organisation receives this kind of request at this place: the council of the kind's tier
     * there, if it is a member of the partnership and offers the kind. Otherwise, who to contact.
     */
    async route(serviceCode: string, place: Place): Promise<Routing> {
      const kind = await this.findKind(serviceCode);
      if (!kind) return { outcome: 'unknown-kind' };
      const provider = providerFor(place, kind.tier);
      if (!(await memberOrganisationIds()).includes(provider.id)) return { outcome: 'not-a-member', provider };
      const requestType = await repository.findByCode(provider.id, serviceCode);
      if (!requestType || !requestType.active) return { outcome: 'not-offered', provider };
      return { outcome: 'routed', requestType, provider };
    },

    questions: (requestTypeId: number) => repository.questions(requestTypeId),
    findType: (id: number) => repository.findById(id),
    findTypeByCode: (organisationId: number, serviceCode: string) => repository.findByCode(organisationId, serviceCode),
    typesOf: (organisationId: number) => repository.listForOrganisation(organisationId),
    bankHolidays: () => bankHolidays.get(),

    /** Called after an administrator changes a request type, so this process reads the catalogue again. */
    changed(): void {
      activeTypes.invalidate();
    },
  };
}

export type CatalogueService = ReturnType<typeof createCatalogueService>;
