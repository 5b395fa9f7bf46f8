export const directoryPaths = {
  home: '/',
  services: '/services',
  service: (slug: string) => `/services/${encodeURIComponent(slug)}`,
  serviceRoute: '/services/:slug',
  aboutTheData: '/about-the-data',
  api: {
    services: '/api/v1/services',
    provider: '/api/v1/services/:lgsl/provider',
  },
} as const;
