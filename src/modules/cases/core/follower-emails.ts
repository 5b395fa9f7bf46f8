import type { Email } from '../../notify/outbox.js';

interface FollowedCase {
  reference: string;
  type_name: string;
}

/**
 * The emails of someone who follows a request they did not make. Never the reporter's name or
 * words: only what the public page of the request shows, and staff's public updates.
 */
export const followerEmails = {
  confirm(to: string, record: FollowedCase, confirmUrl: string): Email {
    return {
      to,
      subject: `Confirm you want to follow ${record.reference}`,
      body: `Hello,\n\nSomeone asked to follow request ${record.reference} (${record.type_name.toLowerCase()}) with this email address, to be told when it is updated.\n\nTo start following it, open this link:\n${confirmUrl}\n\nIf it was not you, ignore this email: nothing will be sent to you.\n`,
    };
  },

  updated(to: string, record: FollowedCase, message: string, publicUrl: string, stopUrl: string): Email {
    return {
      to,
      subject: `Update on ${record.reference}, which you follow`,
      body: `Hello,\n\nThere is an update on the request you follow, ${record.reference} (${record.type_name.toLowerCase()}):\n\n${message}\n\nSee it at ${publicUrl}\n\nTo stop following it: ${stopUrl}\n`,
    };
  },
};
