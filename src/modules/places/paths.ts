import { route } from '../../shared/paths.js';

export const placesPaths = {
  findYourCouncil: '/find-your-council',
  api: {
    postcode: route('/api/v1/places/postcodes/:postcode'),
    point: '/api/v1/places/point',
  },
} as const;
