import type { FastifyReply } from 'fastify';
import { NotFoundError } from '../../../shared/errors.js';
import { single } from '../../../shared/form-values.js';
import { formErrorsFrom, fieldError, type FormErrors } from '../../../web/form-errors.js';
import { readEmployment, readPersonal } from '../applications/application-content.js';
import { gapsWithExplanations, monthName } from './employment-gaps.js';
import { listKinds, type ListSection, type SharedContent } from './list-kinds.js';
import { gapsSchema, personalSchema, pressed, rightToWorkNames } from './schemas.js';
import { REFEREES_NEEDED } from './application-service.js';

export const view = (name: string) => `recruitment/applying/views/${name}.njk`;

/**
 * Where the shared sections (personal details and the three lists) are being filled in: the
 * reusable profile, or one application. The pages are the same; what saving means differs.
 */
export interface SectionTarget {
  kind: 'profile' | 'application';
  content: SharedContent;
  /** The address of one of this target's sections. */
  href(section: string): string;
  /** Where "back" and "Save and come back later" lead: the profile, or the task list. */
  home: string;
  caption: string;
  /** Saves the columns, completing the section or not; may refuse (the vacancy has closed). */
  save(section: string, columns: Partial<SharedContent>, complete: boolean): Promise<void>;
}

type Body = Record<string, unknown>;

const common = (target: SectionTarget) => ({
  target: { kind: target.kind, home: target.home, caption: target.caption },
  backLink: target.home,
  rightToWorkNames,
});

export function personalPage(reply: FastifyReply, target: SectionTarget, values?: Body, errors?: FormErrors) {
  return reply.code(errors ? 400 : 200).render(view('section-personal'), {
    ...common(target),
    pageTitle: 'Personal details',
    action: target.href('personal'),
    values: values ?? readPersonal(target.content.personal),
    errors,
  });
}

export async function savePersonal(reply: FastifyReply, target: SectionTarget, body: Body) {
  const complete = target.kind === 'application' && pressed(body) === 'complete';
  const form = personalSchema(complete).safeParse(body);
  if (!form.success)
    return personalPage(reply, target, body, formErrorsFrom(form.error, { right_to_work: 'right_to_work' }));
  await target.save('personal', { personal: form.data }, complete);
  return reply.redirect(target.kind === 'profile' ? target.home : afterSection(target, body), 303);
}

/** "Save and continue" returns to the task list; "Save and come back later" to it too, saying so. */
const afterSection = (target: SectionTarget, body: Body) =>
  pressed(body) === 'later' ? `${target.home}?saved=later` : target.home;

/** The list as it stands, with links to change or remove each item, and (employment) the gaps to explain. */
export function listPage(
  reply: FastifyReply,
  target: SectionTarget,
  section: ListSection,
  now: Date,
  options: { gapValues?: Body; errors?: FormErrors } = {},
) {
  const kind = listKinds[section];
  const items = kind.read(target.content);
  const { jobs, gaps } = readEmployment(target.content.employment_history);
  const gapsToExplain =
    section === 'employment'
      ? gapsWithExplanations(jobs, gaps, now).map((gap, index) => ({
          name: `gap-${index}`,
          label: gap.to
            ? `Tell us what you were doing between ${monthName(gap.from)} and ${monthName(gap.to)}`
            : `Tell us what you have been doing since ${monthName(gap.from)}`,
          value: options.gapValues ? String(single(options.gapValues[`gap-${index}`]) ?? '') : gap.explanation,
        }))
      : [];
  return reply.code(options.errors ? 400 : 200).render(view('section-list'), {
    ...common(target),
    pageTitle: kind.heading,
    section,
    kind: { heading: kind.heading, itemName: kind.itemName },
    items: items.map((item, index) => ({
      title: kind.title(item),
      rows: kind.summary(item),
      changeHref: `${target.href(section)}?item=${index}`,
      removeHref: `${target.href(section)}?remove=${index}`,
    })),
    addHref: `${target.href(section)}?item=new`,
    action: target.href(section),
    gaps: gapsToExplain,
    refereesNeeded: section === 'referees' ? REFEREES_NEEDED : 0,
    errors: options.errors,
  });
}

/** Which item an address or form names: 'new', or the index of one that exists. */
export function itemIndex(value: unknown, count: number): number | 'new' | null {
  const text = single(value);
  if (text === 'new') return 'new';
  if (typeof text !== 'string' || !/^\d{1,4}$/.test(text)) return null;
  const index = Number(text);
  return index < count ? index : null;
}

export function itemPage(
  reply: FastifyReply,
  target: SectionTarget,
  section: ListSection,
  index: number | 'new',
  values?: Body,
  errors?: FormErrors,
) {
  const kind = listKinds[section];
  const items = kind.read(target.content);
  return reply.code(errors ? 400 : 200).render(view(`item-${section}`), {
    ...common(target),
    backLink: target.href(section),
    pageTitle: index === 'new' ? `Add a ${kind.itemName}` : `Change a ${kind.itemName}`,
    action: target.href(section),
    item: String(index),
    values: values ?? (index === 'new' ? {} : kind.formValues(items[index])),
    errors,
  });
}

export function removePage(reply: FastifyReply, target: SectionTarget, section: ListSection, index: number) {
  const kind = listKinds[section];
  return reply.render(view('remove-item'), {
    ...common(target),
    backLink: target.href(section),
    pageTitle: `Remove this ${kind.itemName}`,
    itemName: kind.itemName,
    title: kind.title(kind.read(target.content)[index]),
    action: target.href(section),
    item: String(index),
  });
}

/**
 * A post to a list section: an item added or changed (`item`), removed (`remove`), or the list
 * saved as it is, with the gaps' explanations (neither). Adding, changing or removing leaves the
 * section in progress until the applicant says it is complete.
 */
export async function saveList(
  reply: FastifyReply,
  target: SectionTarget,
  section: ListSection,
  body: Body,
  now: Date,
) {
  const kind = listKinds[section];
  const items = kind.read(target.content) as unknown[];
  if (body.item !== undefined) {
    const index = itemIndex(body.item, items.length);
    if (index === null) return reply.redirect(target.href(section), 303);
    const form = kind.parse(body, now);
    if (!form.success) return itemPage(reply, target, section, index, body, formErrorsFrom(form.error, kind.fieldIds));
    const changed =
      index === 'new' ? [...items, form.data] : items.map((item, at) => (at === index ? form.data : item));
    await target.save(section, { [kind.column]: kind.write(target.content, changed as never[], now) }, false);
    return reply.redirect(target.href(section), 303);
  }
  if (body.remove !== undefined) {
    const index = itemIndex(body.remove, items.length);
    if (typeof index === 'number') {
      const kept = items.filter((_, at) => at !== index);
      await target.save(section, { [kind.column]: kind.write(target.content, kept as never[], now) }, false);
    }
    return reply.redirect(target.href(section), 303);
  }

  const complete = target.kind === 'application' && pressed(body) === 'complete';
  if (section === 'employment') {
    const { jobs, gaps } = readEmployment(target.content.employment_history);
    const needed = gapsWithExplanations(jobs, gaps, now);
    const form = gapsSchema(needed.length, complete).safeParse(body);
    if (!form.success)
      return listPage(reply, target, section, now, { gapValues: body, errors: formErrorsFrom(form.error) });
    const explained = needed.map((gap, index) => ({ ...gap, explanation: String(form.data[`gap-${index}`] ?? '') }));
    await target.save(
      section,
      {
        employment_history: [
          ...jobs,
          ...explained.filter((gap) => gap.explanation).map((gap) => ({ kind: 'gap', ...gap })),
        ],
      },
      complete,
    );
  } else {
    if (complete && section === 'referees' && items.length < REFEREES_NEEDED)
      return listPage(reply, target, section, now, {
        errors: fieldError('referees', `Add ${REFEREES_NEEDED} referees`, 'add-item'),
      });
    await target.save(section, {}, complete);
  }
  return reply.redirect(target.kind === 'profile' ? target.home : afterSection(target, body), 303);
}

/**
 * One of the lists' pages, as its query asks: the list itself, one item's form (`?item=2`, `?item=new`)
 * or the question whether to remove one (`?remove=2`); an item that is not there is not found.
 */
export function listSectionPage(
  reply: FastifyReply,
  target: SectionTarget,
  section: ListSection,
  query: { item?: unknown; remove?: unknown },
  now: Date,
) {
  const count = listKinds[section].read(target.content).length;
  if (query.item !== undefined) {
    const index = itemIndex(query.item, count);
    if (index === null) throw new NotFoundError();
    return itemPage(reply, target, section, index);
  }
  if (query.remove !== undefined) {
    const index = itemIndex(query.remove, count);
    if (typeof index !== 'number') throw new NotFoundError();
    return removePage(reply, target, section, index);
  }
  return listPage(reply, target, section, now);
}
