import type { ApplicationStatus } from '../../../db/schema.js';
import { placeholdersIn, type MessageText } from '../../../shared/message-text.js';

/**
 * The email an applicant gets when their application reaches each stage, with its plain English
 * default; an employer may reword any of them (recruitment_message_templates).
 */
export type MessageStage = Exclude<ApplicationStatus, 'draft'>;

/** Placeholders every recruitment email may use. `message` is what staff wrote with the change, if anything. */
export const recruitmentPlaceholders = ['name', 'job_title', 'employer', 'application_url', 'message'] as const;

const followIt = 'See your application at ((application_url))';

export const defaultTemplates: Record<MessageStage, MessageText> = {
  submitted: {
    subject: 'Application received: ((job_title))',
    body:
      'Dear ((name)),\n\n((employer)) has your application for ((job_title)). We will tell you when it moves on.\n\n' +
      followIt +
      '\n',
  },
  shortlisted: {
    subject: 'You have been shortlisted: ((job_title))',
    body:
      'Dear ((name)),\n\nYour application for ((job_title)) at ((employer)) has been shortlisted. We will be in touch about an interview.\n\n((message))\n\n' +
      followIt +
      '\n',
  },
  reserve: {
    subject: 'Your application is on our reserve list: ((job_title))',
    body:
      'Dear ((name)),\n\nYour application for ((job_title)) at ((employer)) is on our reserve list. We will tell you if a place opens.\n\n((message))\n\n' +
      followIt +
      '\n',
  },
  unsuccessful: {
    subject: 'Your application for ((job_title))',
    body:
      'Dear ((name)),\n\nThank you for applying for ((job_title)) at ((employer)). We are sorry: this time your application has not been successful.\n\n((message))\n\n' +
      followIt +
      '\n',
  },
  interview_invited: {
    subject: 'Invitation to interview: ((job_title))',
    body:
      'Dear ((name)),\n\n((employer)) would like to interview you for ((job_title)). Choose a time that suits you.\n\n((message))\n\n' +
      followIt +
      '\n',
  },
  interview_booked: {
    subject: 'Interview booked: ((job_title))',
    body:
      'Dear ((name)),\n\nYour interview for ((job_title)) at ((employer)) is booked.\n\n((message))\n\n' +
      followIt +
      '\n',
  },
  interviewed: {
    subject: 'Thank you for your interview: ((job_title))',
    body:
      'Dear ((name)),\n\nThank you for coming to interview for ((job_title)) at ((employer)). We will tell you our decision.\n\n((message))\n\n' +
      followIt +
      '\n',
  },
  conditional_offer: {
    subject: 'Conditional offer: ((job_title))',
    body:
      'Dear ((name)),\n\n((employer)) is pleased to offer you the post of ((job_title)), subject to pre-employment checks. Please accept or decline the offer.\n\n((message))\n\n' +
      followIt +
      '\n',
  },
  offer_accepted: {
    subject: 'Offer accepted: ((job_title))',
    body:
      'Dear ((name)),\n\nThank you for accepting our offer of ((job_title)) at ((employer)). We will start the pre-employment checks.\n\n' +
      followIt +
      '\n',
  },
  offer_declined: {
    subject: 'Offer declined: ((job_title))',
    body:
      'Dear ((name)),\n\nWe have noted that you declined our offer of ((job_title)) at ((employer)). Thank you for your interest.\n\n' +
      followIt +
      '\n',
  },
  pre_employment_checks: {
    subject: 'Pre-employment checks: ((job_title))',
    body:
      'Dear ((name)),\n\nWe have started the pre-employment checks for ((job_title)) at ((employer)): your right to work, your references and, where the post needs one, a DBS check.\n\n((message))\n\n' +
      followIt +
      '\n',
  },
  appointed: {
    subject: 'Welcome to ((employer))',
    body:
      'Dear ((name)),\n\nYour checks are complete and you are appointed to the post of ((job_title)) at ((employer)).\n\n((message))\n\n' +
      followIt +
      '\n',
  },
  withdrawn: {
    subject: 'Application withdrawn: ((job_title))',
    body:
      'Dear ((name)),\n\nYour application for ((job_title)) at ((employer)) has been withdrawn.\n\n' + followIt + '\n',
  },
  vacancy_cancelled: {
    subject: 'Vacancy cancelled: ((job_title))',
    body:
      'Dear ((name)),\n\nWe are sorry: ((employer)) has cancelled the vacancy for ((job_title)), so your application will go no further.\n\n((message))\n\n' +
      followIt +
      '\n',
  },
};

export const messageStages = Object.keys(defaultTemplates) as MessageStage[];

export function isMessageStage(value: string): value is MessageStage {
  return Object.hasOwn(defaultTemplates, value);
}

/** The placeholders a text names that recruitment emails do not have. */
export function unknownRecruitmentPlaceholders(text: string): string[] {
  const allowed = new Set<string>(recruitmentPlaceholders);
  return placeholdersIn(text).filter((name) => !allowed.has(name));
}
