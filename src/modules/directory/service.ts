import type { Service } from '../../db/schema.js';
import { refreshing } from '../../shared/cache.js';
import { providerFor, type Council, type Place } from '../places/service.js';
import type { DirectoryRepository } from './repository.js';

export interface ServiceProvider {
  service: Service;
  place: Place;
  provider: Council;
  /** The provider's own page for the service, or its homepage when we do not know one. */
  url: string | null;
  /** True when `url` is the provider's page for this service rather than its homepage. */
  isServicePage: boolean;
}

export interface LetterGroup {
  letter: string;
  services: Service[];
}

/** Words residents use mapped to the words of the service list ("bins" finds "refuse"). */
export type Synonyms = Record<string, string[]>;

function matchesSearch(service: Service, words: string[], synonyms: Synonyms): boolean {
  const text = `${service.title} ${service.description}`.toLowerCase();
  // Own properties only: a search for "constructor" is a word, not the object's constructor.
  return words.every((word) =>
    [word, ...(Object.hasOwn(synonyms, word) ? synonyms[word] : [])].some((term) => text.includes(term)),
  );
}

/** Services grouped by the first letter of their title, in the order given. Shared: never changed once made. */
function byLetter(services: Service[]): readonly LetterGroup[] {
  const groups = new Map<string, Service[]>();
  for (const service of services) {
    const letter = service.title.charAt(0).toUpperCase();
    const group = groups.get(letter);
    if (group) group.push(service);
    else groups.set(letter, [service]);
  }
  return [...groups].map(([letter, list]) => ({ letter, services: list }));
}

// The service list and its links are reference data, imported at start: a process reads them once
// and again every few minutes, so a newer import by a deployment reaches it without a restart.
const CATALOGUE_MAX_AGE_MS = 5 * 60_000;

async function loadCatalogue(repository: DirectoryRepository) {
  const [services, links] = await Promise.all([repository.listServices(), repository.listServiceLinks()]);
  const linkOf = new Map<string, string>();
  for (const link of links) {
    const key = `${link.organisation_id}:${link.lgsl}`;
    if (!linkOf.has(key)) linkOf.set(key, link.url);
  }
  return {
    services,
    // The A-Z with no search is what almost every visitor opens: grouped once per load, not per request.
    unsearched: { current: byLetter(services.filter((service) => service.in_current_list)), all: byLetter(services) },
    bySlug: new Map(services.map((service) => [service.slug, service])),
    byLgsl: new Map(services.map((service) => [service.lgsl, service])),
    linkOf,
  };
}

/** The A-Z of services and who provides each one where. */
export function createDirectoryService(repository: DirectoryRepository, synonyms: Synonyms = {}) {
  const catalogue = refreshing(() => loadCatalogue(repository), CATALOGUE_MAX_AGE_MS);
  return {
    listServices: async () => (await catalogue.get()).services,
    findBySlug: async (slug: string) => (await catalogue.get()).bySlug.get(slug),
    findByLgsl: async (lgsl: number) => (await catalogue.get()).byLgsl.get(lgsl),

    /**
     * Services grouped by the first letter of their title, filtered by every word of a search. Only
     * services GOV.UK still lists, unless `includeRetired`: the others may lead to moved pages.
     */
    async aToZ(search = '', includeRetired = false): Promise<readonly LetterGroup[]> {
      const words = search.toLowerCase().split(/\s+/).filter(Boolean);
      const { services, unsearched } = await catalogue.get();
      if (words.length === 0) return includeRetired ? unsearched.all : unsearched.current;
      return byLetter(
        services.filter(
          (service) => (includeRetired || service.in_current_list) && matchesSearch(service, words, synonyms),
        ),
      );
    },

    async providerAt(service: Service, place: Place): Promise<ServiceProvider> {
      const provider = providerFor(place, service.tier);
      const link = (await catalogue.get()).linkOf.get(`${provider.id}:${service.lgsl}`);
      return { service, place, provider, url: link ?? provider.homepageUrl, isServicePage: link !== undefined };
    },
  };
}

export type DirectoryService = ReturnType<typeof createDirectoryService>;

/** Who provides a tier of service, in words a resident understands. */
export function describeTier(tier: Service['tier']): string {
  switch (tier) {
    case 'district/unitary':
      return 'Your district or borough council provides this service. Where one council provides every service (a unitary council, such as a city council), that council provides it.';
    case 'county/unitary':
      return 'Your county council provides this service. Where one council provides every service (a unitary council, such as a city council), that council provides it.';
    case 'all':
      return 'Both district and county councils provide this service. Start with your district or borough council, or your unitary council if you have one.';
  }
}
