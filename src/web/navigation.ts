import type { Actor } from '../shared/actor.js';

/** A link in the service navigation under the header; `section` is the page's `currentSection` that marks it as the one you are in. */
export interface NavigationLink {
  href: string;
  text: string;
  section: string;
  /** What a visitor who is not signed in sees instead (the account link: "Sign in"). */
  signedOut?: { href: string; text: string };
  /** The account link sits last, as in GOV.UK services; the others in the order the modules add them. */
  last?: boolean;
  /** Before the others: the staff's own work (cases) comes first. */
  first?: boolean;
  /** Shown only to whom this says (staff who work with cases); omitted, to everyone of its side. */
  shownWhen?: (actor: Actor) => boolean;
}

/** The service navigation: each module adds its own links as it registers, for residents or for staff. */
export interface Navigation {
  forResidents(link: NavigationLink): void;
  forStaff(link: NavigationLink): void;
}

export interface NavigationLinks {
  /** The links as GOV.UK's service navigation takes them, for who is asking and the page they are on. */
  shownTo(
    actor: Actor | undefined,
    currentSection: string | undefined,
  ): { href: string; text: string; active: boolean }[];
}

export function createNavigation(): Navigation & NavigationLinks {
  const residents: NavigationLink[] = [];
  const staff: NavigationLink[] = [];
  const add = (links: NavigationLink[], link: NavigationLink) => {
    const firstLast = links.findIndex((existing) => existing.last);
    const afterFirst = links.findIndex((existing) => !existing.first);
    if (link.first) links.splice(afterFirst === -1 ? links.length : afterFirst, 0, link);
    else if (link.last || firstLast === -1) links.push(link);
    else links.splice(firstLast, 0, link);
  };
  return {
    forResidents: (link) => add(residents, link),
    forStaff: (link) => add(staff, link),
    shownTo(actor, currentSection) {
      const kind = actor?.kind;
      return (kind === 'staff' ? staff : residents)
        .filter((link) => !link.shownWhen || (actor !== undefined && link.shownWhen(actor)))
        .map((link) => {
          const shown = link.signedOut && kind !== 'citizen' ? link.signedOut : link;
          return { href: shown.href, text: shown.text, active: currentSection === link.section };
        });
    },
  };
}
