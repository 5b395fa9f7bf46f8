/**
 * Form and query values as they arrive: a field sent twice is an array, one left empty is "".
 * Schemas preprocess with these before zod checks the value.
 */

/** The first value of a field that may have been sent more than once. */
export const single = (value: unknown) => (Array.isArray(value) ? value[0] : value);

/** A field left empty (or only spaces) is a field not given. */
export const blankToUndefined = (value: unknown) => {
  const text = single(value);
  return typeof text === 'string' && text.trim() === '' ? undefined : text;
};
