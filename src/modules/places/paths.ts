export const placesPaths = {
  findYourCouncil: '/find-your-council',
  api: {
    postcode: '/api/v1/places/postcodes/:postcode',
    point: '/api/v1/places/point',
  },
} as const;
