import { casePaths } from '../cases/paths.js';

export const mapsPaths = {
  map: casePaths.map,
  /** Where a resident follows a request; the tracking page asks for the email that goes with it. */
  track: (reference: string) => `${casePaths.track}?reference=${encodeURIComponent(reference)}`,
  findYourCouncil: '/find-your-council',
  api: {
    settings: '/api/v1/maps/settings',
    boundaries: '/api/v1/maps/boundaries',
    requests: '/api/v1/maps/requests',
  },
  scripts: '/public/maps',
} as const;
