import type { FormErrors } from '../../web/form-errors.js';
import { dateInputValues } from '../../shared/date-input.js';
import { formatPence, penceForInput } from './money.js';
import type { ProjectRecord } from './projects-repository.js';
import type { AgreementRecord } from './agreements-repository.js';

/** A project with its amounts written in pounds for reading. */
export function presentProject(project: ProjectRecord) {
  return {
    ...project,
    expectedCashable: formatPence(project.expected_cashable_pence),
    expectedNonCashable: formatPence(project.expected_non_cashable_pence),
    realisedCashable: formatPence(project.realised_cashable_pence),
    realisedNonCashable: formatPence(project.realised_non_cashable_pence),
  };
}

/** The project form filled in from a saved project, as the person would have typed it. */
export function projectFormValues(project: ProjectRecord, memberIds: number[]): Record<string, unknown> {
  return {
    name: project.name,
    summary: project.summary,
    status: project.status,
    ...dateInputValues('startsOn', project.starts_on),
    ...dateInputValues('endsOn', project.ends_on),
    members: memberIds.map(String),
    expectedCashable: penceForInput(project.expected_cashable_pence),
    expectedNonCashable: penceForInput(project.expected_non_cashable_pence),
    expectedOther: project.expected_other,
    realisedCashable: penceForInput(project.realised_cashable_pence),
    realisedNonCashable: penceForInput(project.realised_non_cashable_pence),
    realisedOther: project.realised_other,
  };
}

/** The agreement form filled in from a saved draft. */
export function agreementFormValues(
  agreement: AgreementRecord,
  partyIds: number[],
  lgsls: number[],
): Record<string, unknown> {
  return {
    title: agreement.title,
    purpose: agreement.purpose,
    coverage: agreement.covers_all_services ? 'all' : 'chosen',
    parties: partyIds.map(String),
    services: lgsls.map(String),
    purposeStatement: agreement.purpose_statement,
    categories: agreement.categories,
    roles: agreement.receiving_roles,
    relationship: agreement.relationship,
    ...dateInputValues('validFrom', agreement.valid_from),
    ...dateInputValues('validTo', agreement.valid_to),
  };
}

/**
 * The error summary in the order the fields appear on the page, as the Design System asks: checks
 * across fields (an end date before the start) are found last but belong with their field.
 */
export function inFieldOrder(
  errors: FormErrors,
  fieldOrder: string[],
  fieldIds: Record<string, string> = {},
): FormErrors {
  const rank = new Map(fieldOrder.map((field, index) => [`#${fieldIds[field] ?? field}`, index]));
  const rankOf = (href: string) => rank.get(href) ?? fieldOrder.length;
  return { ...errors, summary: [...errors.summary].sort((a, b) => rankOf(a.href) - rankOf(b.href)) };
}
