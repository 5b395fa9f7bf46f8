import {
  fullName,
  readEmployment,
  readPersonal,
  readQualifications,
  readReferees,
} from '../applications/application-content.js';
import { gapsWithExplanations, monthName } from './employment-gaps.js';
import { listKinds, type SummaryRow } from './list-kinds.js';
import type { ApplicationRow, Criterion } from './repository.js';
import { guaranteedInterviewNames, rightToWorkNames } from './schemas.js';
import { applicationSections, type SectionKey } from './application-service.js';

export interface AnswerCard {
  key: SectionKey;
  heading: string;
  rows: SummaryRow[];
}

/** Everything the application says, section by section, as check answers and the read-only copy show it. */
export function answerCards(
  application: ApplicationRow,
  criteria: readonly Criterion[],
  equalityAnswered: boolean,
  now: Date,
): AnswerCard[] {
  const personal = readPersonal(application.personal);
  const { jobs, gaps } = readEmployment(application.employment_history);
  const explained = gapsWithExplanations(jobs, gaps, now);
  const answers = application.criteria_answers ?? {};
  const heading = (key: SectionKey) => applicationSections.find((section) => section.key === key)!.name;
  const listed = (kind: keyof typeof listKinds, items: unknown[]) =>
    items.length
      ? items.map((item) => ({
          key: listKinds[kind].title(item as never),
          value: listKinds[kind]
            .summary(item as never)
            .map((row) => `${row.key}: ${row.value}`)
            .join('\n'),
        }))
      : [{ key: listKinds[kind].heading, value: 'None added' }];
  return [
    {
      key: 'personal',
      heading: heading('personal'),
      rows: [
        { key: 'Name', value: fullName(personal) || 'Not given' },
        { key: 'Email address', value: personal.email || 'Not given' },
        { key: 'Phone number', value: personal.phone || 'Not given' },
        { key: 'Address', value: [personal.address, personal.postcode].filter(Boolean).join('\n') || 'Not given' },
        { key: 'Right to work in the UK', value: rightToWorkNames[personal.right_to_work] ?? 'Not given' },
      ],
    },
    {
      key: 'employment',
      heading: heading('employment'),
      rows: [
        ...listed('employment', jobs),
        ...explained.map((gap) => ({
          key: `Gap from ${monthName(gap.from)} to ${monthName(gap.to)}`,
          value: gap.explanation || 'Not explained yet',
        })),
      ],
    },
    {
      key: 'qualifications',
      heading: heading('qualifications'),
      rows: listed('qualifications', readQualifications(application.qualifications)),
    },
    {
      key: 'statement',
      heading: heading('statement'),
      rows: criteria.map((criterion) => ({
        key: `${criterion.text} (${criterion.kind})`,
        value: answers[String(criterion.id)] || 'Not answered',
      })),
    },
    { key: 'referees', heading: heading('referees'), rows: listed('referees', readReferees(application.referees)) },
    {
      key: 'adjustments',
      heading: heading('adjustments'),
      rows: [
        { key: 'Adjustments you need', value: application.adjustments || 'None asked for' },
        {
          key: 'Guaranteed interview schemes',
          value:
            application.guaranteed_interview
              .map(
                (scheme) => guaranteedInterviewNames[scheme as keyof typeof guaranteedInterviewNames]?.text ?? scheme,
              )
              .join('\n') || 'None',
        },
      ],
    },
    {
      key: 'equality',
      heading: heading('equality'),
      // What was answered stays on its own page: only whether the form was filled in is shown here.
      rows: [{ key: 'Equality monitoring form', value: equalityAnswered ? 'Answered' : 'Not answered' }],
    },
  ];
}
