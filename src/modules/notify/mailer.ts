import nodemailer from 'nodemailer';
import type { Email } from './outbox.js';

/** Hands one email to a mail server. Resolves once the server has accepted it; rejects otherwise. */
export interface Mailer {
  send(email: Email): Promise<{ messageId: string }>;
  close(): void;
}

/**
 * Timeouts well inside the worker's 60-second lease: a send that hangs must fail, and be retried,
 * before the lease runs out and another worker could send the same email again.
 */
export const SMTP_TIMEOUTS_MS = { connection: 10_000, greeting: 10_000, socket: 15_000 };

/** A mailer for an SMTP server given as smtp://user:pass@host:port (or smtps:// for implicit TLS). */
export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(
    {
      url: smtpUrl,
      connectionTimeout: SMTP_TIMEOUTS_MS.connection,
      greetingTimeout: SMTP_TIMEOUTS_MS.greeting,
      socketTimeout: SMTP_TIMEOUTS_MS.socket,
    },
    { from },
  );
  return {
    async send(email) {
      const info = await transport.sendMail({ to: email.to, subject: email.subject, text: email.body });
      return { messageId: info.messageId };
    },
    close: () => transport.close(),
  };
}
