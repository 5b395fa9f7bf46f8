import { SMTPServer } from 'smtp-server';

/** A case reference as emails carry it: DBY-2026-000123. */
const REFERENCE = /\b[A-Z]{2,5}-\d{4}-\d{6}\b/;

/**
 * A real SMTP server (smtp-server) standing in for the council's mail relay: it counts what it
 * accepts by the case reference each email names, and can be stopped and started again on the same
 * port (a mail server down), or made slow (so a worker can be killed halfway through a batch).
 */
export class MailSink {
  /** Emails accepted, by the reference they name. */
  readonly delivered = new Map<string, number>();
  /** How long to take over accepting each message. */
  delayMs = 0;
  private server: SMTPServer | undefined;

  constructor(readonly port: number) {}

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = new SMTPServer({
      authOptional: true,
      // Plain SMTP on the loopback: no certificate for the client to doubt.
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          setTimeout(() => {
            // Counted when the server says 250 OK: from then on the relay has it, even if the
            // sender dies before hearing so (and then sends it again: at least once).
            const reference = REFERENCE.exec(Buffer.concat(chunks).toString('utf8'))?.[0] ?? 'no reference';
            this.delivered.set(reference, (this.delivered.get(reference) ?? 0) + 1);
            callback();
          }, this.delayMs);
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  /**
   * Stops listening at once: from now on a worker's connection is refused. (smtp-server lets a
   * conversation under way finish, for up to 30 s, before its close callback: not waited for.)
   */
  stop(): void {
    this.server?.close();
    this.server = undefined;
  }

  /** How many of these references have arrived at least once. */
  countDelivered(references: Iterable<string>): { found: number; duplicated: number } {
    let found = 0;
    let duplicated = 0;
    for (const reference of references) {
      const times = this.delivered.get(reference) ?? 0;
      if (times > 0) found += 1;
      if (times > 1) duplicated += 1;
    }
    return { found, duplicated };
  }
}
