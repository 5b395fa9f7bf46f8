const EARTH_RADIUS_METRES = 6_371_000;

/** Great-circle distance between two WGS84 points, in metres (haversine). */
export function metresBetween(
  a: { latitude: number; longitude: number },
  b: { latitude: number; longitude: number },
): number {
  const radians = (degrees: number) => (degrees * Math.PI) / 180;
  const dLat = radians(b.latitude - a.latitude);
  const dLng = radians(b.longitude - a.longitude);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(radians(a.latitude)) * Math.cos(radians(b.latitude)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_METRES * Math.asin(Math.sqrt(h));
}

/** A box around a point that holds every point within `metres` of it (for a first, indexed filter). */
export function boxAround(point: { latitude: number; longitude: number }, metres: number) {
  const latitudeDelta = (metres / EARTH_RADIUS_METRES) * (180 / Math.PI);
  const longitudeDelta = latitudeDelta / Math.cos((point.latitude * Math.PI) / 180);
  return {
    minLatitude: point.latitude - latitudeDelta,
    maxLatitude: point.latitude + latitudeDelta,
    minLongitude: point.longitude - longitudeDelta,
    maxLongitude: point.longitude + longitudeDelta,
  };
}
