import { casePaths } from '../cases/paths.js';

export const mapsPaths = {
  map: casePaths.map,
  /** A public request's own tracking page: its status and public updates, for anyone. */
  track: casePaths.trackCase,
  findYourCouncil: '/find-your-council',
  api: {
    settings: '/api/v1/maps/settings',
    boundaries: '/api/v1/maps/boundaries',
    requests: '/api/v1/maps/requests',
  },
  scripts: '/public/maps',
} as const;
