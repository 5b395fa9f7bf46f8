/** The worklist form's fields, as they are carried onto page links, the CSV link and the manager view's links. */
export const worklistFields = [
  'applied',
  'whose',
  'status',
  'type',
  'team',
  'assignee',
  'overdue',
  'q',
  'sort',
  'order',
] as const;

export type WorklistValues = Partial<Record<(typeof worklistFields)[number], string | string[]>>;

/** What the person chose in the filters, as text, to show again and to carry onto links. */
export function worklistValues(query: Record<string, unknown>): WorklistValues {
  const values: WorklistValues = {};
  for (const field of worklistFields) {
    const given = [query[field]]
      .flat()
      .filter((value): value is string => typeof value === 'string' && value.trim() !== '')
      .map((value) => value.trim());
    if (given.length === 0) continue;
    // Only the statuses are a list (checkboxes); any other repeated field counts as its first value.
    values[field] = field === 'status' ? given : given[0];
  }
  return values;
}
