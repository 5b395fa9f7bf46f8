import type { Email } from '../../notify/outbox.js';

interface CaseForEmail {
  reference: string;
  type_name: string;
  contact_name: string | null;
}

function greeting(caseRecord: CaseForEmail): string {
  return caseRecord.contact_name ? `Dear ${caseRecord.contact_name},` : 'Hello,';
}

/** The emails a resident gets about their request. Each links to the tracking page. */
export const caseEmails = {
  received(
    to: string,
    caseRecord: CaseForEmail & { organisation_name: string; due_on: string },
    trackUrl: string,
  ): Email {
    return {
      to,
      subject: `We have your report: ${caseRecord.type_name} (${caseRecord.reference})`,
      body: `${greeting(caseRecord)}\n\nThank you. ${caseRecord.organisation_name} has your report.\n\nYour reference is ${caseRecord.reference}. We aim to deal with it by ${caseRecord.due_on}.\n\nFollow it at ${trackUrl}\n`,
    };
  },

  updated(to: string, caseRecord: CaseForEmail, message: string, trackUrl: string): Email {
    return {
      to,
      subject: `Update on your report ${caseRecord.reference}`,
      body: `${greeting(caseRecord)}\n\nThere is an update on your report about ${caseRecord.type_name.toLowerCase()}:\n\n${message}\n\nFollow it at ${trackUrl}\n`,
    };
  },

  resolved(to: string, caseRecord: CaseForEmail, message: string, trackUrl: string, surveyUrl: string): Email {
    return {
      to,
      subject: `Your report ${caseRecord.reference} has been resolved`,
      body: `${greeting(caseRecord)}\n\nYour report about ${caseRecord.type_name.toLowerCase()} has been resolved.${message ? `\n\n${message}` : ''}\n\nHow satisfied are you with how we dealt with it? Tell us in one click: ${surveyUrl}\n\nIf it is not fixed, you can reopen it within 28 days at ${trackUrl}\n`,
    };
  },

  transferredIn(
    to: string,
    caseRecord: { reference: string; type_name: string },
    fromName: string,
    reason: string,
    caseUrl: string,
  ): Email {
    return {
      to,
      subject: `Case transferred to you: ${caseRecord.reference}`,
      body: `${fromName} has transferred case ${caseRecord.reference} (${caseRecord.type_name}) to your organisation.\n\nTheir reason: ${reason}\n\nOpen it at ${caseUrl}\n`,
    };
  },
};
