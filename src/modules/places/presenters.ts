import type { Council, Place } from './service.js';

function councilJson(council: Council) {
  return { gss: council.gss, name: council.name };
}

/** The API's place: the same shape for a postcode and a point, `postcode` only for the former. */
export function placeJson(place: Place) {
  return {
    ...(place.postcode ? { postcode: place.postcode } : {}),
    latitude: place.latitude,
    longitude: place.longitude,
    structure: place.structure,
    lowerTier: councilJson(place.lowerTier),
    upperTier: councilJson(place.upperTier),
    inPartnership: place.inPartnership,
  };
}
