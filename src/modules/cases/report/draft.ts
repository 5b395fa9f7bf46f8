import type { Actor } from '../../../shared/actor.js';
import type { Place } from '../../places/service.js';
import type { RawAnswers } from '../core/answers.js';
import { casePaths } from '../paths.js';

/** The place as the resident gave it, kept as typed so the "where" page can show it again. */
export interface WhereAnswer {
  postcode: string;
  locationDescription: string;
  latitude: string;
  longitude: string;
}

/** Said instead of going on when no member of the partnership takes this kind of request there. */
export interface Elsewhere {
  outcome: 'not-a-member' | 'not-offered';
  placeLabel: string;
  areaName: string;
  providerName: string;
  providerUrl: string | null;
}

export type AboutYou = { kind: 'guest'; name: string; email: string; phone: string | null } | { kind: 'anonymous' };

/**
 * Everything a resident has answered so far. Each step sets its part only once it is valid; a part
 * that depends on an earlier one (the questions depend on the kind and the council) is cleared when
 * that earlier answer changes, so the journey can never send answers to the wrong questions.
 */
export interface ReportDraft {
  serviceCode?: string;
  where?: WhereAnswer;
  /** The place found, once a member of the partnership takes the kind there. */
  place?: Place;
  routed?: { requestTypeId: number; typeName: string; organisationName: string; allowsAnonymous: boolean };
  elsewhere?: Elsewhere;
  questions?: {
    /** The form's fields as typed (date parts and all), to show again. */
    fields: Record<string, string | string[]>;
    /** The answers for `checkAnswers`, keyed by question code. */
    answers: RawAnswers;
    description: string;
  };
  about?: AboutYou;
}

export const reportSteps = ['what', 'where', 'questions', 'about', 'check'] as const;
export type ReportStep = (typeof reportSteps)[number];

export const stepPaths: Record<ReportStep, string> = {
  what: casePaths.report,
  where: casePaths.reportStep.where,
  questions: casePaths.reportStep.questions,
  about: casePaths.reportStep.aboutYou,
  check: casePaths.reportStep.check,
};

/** A signed-in resident is the reporter; the "about you" step only asks people who are not. */
export function aboutIsAnswered(draft: ReportDraft, actor: Actor): boolean {
  if (actor.kind === 'citizen') return true;
  if (!draft.about) return false;
  return draft.about.kind === 'guest' || draft.routed?.allowsAnonymous === true;
}

/** The first step still to answer: where the journey resumes, and how far a resident may skip ahead. */
export function firstIncompleteStep(draft: ReportDraft, actor: Actor): ReportStep {
  if (!draft.serviceCode) return 'what';
  if (!draft.place || !draft.routed) return 'where';
  if (!draft.questions) return 'questions';
  if (!aboutIsAnswered(draft, actor)) return 'about';
  return 'check';
}

/** Whether a step may be shown yet: every step before it is answered. */
export function mayShow(step: ReportStep, draft: ReportDraft, actor: Actor): boolean {
  return reportSteps.indexOf(step) <= reportSteps.indexOf(firstIncompleteStep(draft, actor));
}

/**
 * Where to go after answering a step: the next step in order, or, when the resident came from
 * "check your answers" to change something, back there once nothing is missing.
 */
export function nextPath(answered: ReportStep, draft: ReportDraft, actor: Actor, changing: boolean): string {
  const missing = firstIncompleteStep(draft, actor);
  if (changing) return missing === 'check' ? stepPaths.check : `${stepPaths[missing]}?change=yes`;
  const next = reportSteps[reportSteps.indexOf(answered) + 1] ?? 'check';
  // Skip what is already answered only when it cannot have been affected (signed-in residents).
  if (next === 'about' && actor.kind === 'citizen') return stepPaths.check;
  return stepPaths[reportSteps.indexOf(missing) < reportSteps.indexOf(next) ? missing : next];
}
