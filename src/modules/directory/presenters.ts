import type { Service } from '../../db/schema.js';
import type { ServiceProvider } from './service.js';

export function serviceJson(service: Service) {
  return { lgsl: service.lgsl, name: service.title, tier: service.tier, slug: service.slug };
}

export function providerJson({ service, provider, url }: ServiceProvider) {
  return {
    service: { lgsl: service.lgsl, name: service.title, tier: service.tier },
    provider: { gss: provider.gss, name: provider.name, tier: provider.tier, inPartnership: provider.inPartnership },
    url,
  };
}
