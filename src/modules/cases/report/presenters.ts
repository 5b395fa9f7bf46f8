import type { ClosureReason } from '../../../db/schema.js';
import type { Council, Place } from '../../places/service.js';
import type { RequestKind } from '../catalogue/service.js';

/** "East Staffordshire Borough Council" → "East Staffordshire": the area, as people name where they live. */
export function areaName(council: Council): string {
  return council.name
    .replace(/ (Metropolitan Borough|Borough|District|City|County) Council$/, '')
    .replace(/ Council$/, '');
}

/** How the page names the place: the postcode typed, or the pin on the map. */
export function placeLabel(place: Place): string {
  return place.postcode ?? 'The place you marked on the map';
}

/** The kinds of request for the "what" page, under their group headings, in catalogue order. */
export function groupKinds(kinds: RequestKind[]): { group: string; kinds: RequestKind[] }[] {
  const groups = new Map<string, RequestKind[]>();
  for (const kind of kinds) groups.set(kind.group, [...(groups.get(kind.group) ?? []), kind]);
  return [...groups].map(([group, members]) => ({ group, kinds: members }));
}

export const closureNames: Record<ClosureReason, string> = {
  no_further_action: 'No further action needed',
  not_our_responsibility: 'Not the council’s responsibility',
  duplicate: 'Already reported by someone else',
};

export function distanceText(metres: number): string {
  return metres < 10 ? 'Less than 10 metres away' : `About ${Math.round(metres / 10) * 10} metres away`;
}

/** For a summary list's `html`: a value of several lines, each escaped, with line breaks between. */
export function linesHtml(lines: (string | null | undefined)[]): string {
  const escape = (text: string) =>
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;');
  return lines
    .filter((line): line is string => Boolean(line))
    .map(escape)
    .join('<br>');
}
