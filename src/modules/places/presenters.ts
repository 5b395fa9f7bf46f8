import type { PlaceBody, PostcodePlaceBody } from './schemas.js';
import type { Council, Place } from './service.js';

function councilJson(council: Council) {
  return { gss: council.gss, name: council.name };
}

/** The API's place: the same shape for a postcode and a point. */
export function placeJson(place: Place): PlaceBody {
  return {
    latitude: place.latitude,
    longitude: place.longitude,
    structure: place.structure,
    lowerTier: councilJson(place.lowerTier),
    upperTier: councilJson(place.upperTier),
    inPartnership: place.inPartnership,
  };
}

/** A place found from a postcode: its postcode first, then the place. */
export function postcodePlaceJson(place: Place & { postcode: string }): PostcodePlaceBody {
  return { postcode: place.postcode, ...placeJson(place) };
}
