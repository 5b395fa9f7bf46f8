import { route } from '../../shared/paths.js';

export const directoryPaths = {
  home: '/',
  services: '/services',
  service: route('/services/:slug'),
  aboutTheData: '/about-the-data',
  api: {
    services: '/api/v1/services',
    provider: route('/api/v1/services/:lgsl/provider'),
  },
} as const;
