/**
 * One value of a query parameter. A name given twice (`?token=a&token=b`) arrives as a list, whatever
 * the route's type says: the first is taken, as the maps' filters do, and anything that is not text
 * is no value. Use it wherever a handler reads a query parameter as one string.
 */
export function singleValue(value: unknown): string | undefined {
  const first = Array.isArray(value) ? (value as unknown[])[0] : value;
  return typeof first === 'string' ? first : undefined;
}
