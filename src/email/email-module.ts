/**
 * The e-mail intake wired: the mailbox (IMAP), the parser, the case storage, the answers
 * (SMTP) and the service that decides. `app.ts` only calls this factory.
 */
import type { Logger } from 'pino';
import type { Db } from '../adapters/db/database.js';
import type { CaseRepo } from '../domain/cases/ports.js';
import { createEmailMessageRepo } from './adapters/email-message-repo.js';
import { startImapMailbox } from './adapters/imap-mailbox.js';
import { parseEmail } from './adapters/parse-email.js';
import { createSmtpSender } from './adapters/smtp-sender.js';
import type { EmailConfig } from './email-config.js';
import type { EmailSender, PhotoStore } from './services/email-ports.js';
import { createEmailIntakeService, MAX_EMAIL_PHOTOS, type IntakeOutcome } from './services/email-intake-service.js';

/** The domain of an address like `"۱۳۷" <137@tehran.ir>`: where our Message-IDs are minted. */
export function domainOf(from: string): string {
  return /@([^\s@<>]+)>?\s*$/.exec(from)?.[1] ?? 'hotline-137.invalid';
}

export function createEmailModule(deps: {
  config: EmailConfig;
  db: Db;
  /** The case repository as the other channels use it (routing, dispatch and SMS included). */
  cases: Pick<CaseRepo, 'create' | 'findById' | 'findByTrackingNumber'>;
  photos: PhotoStore;
  photoMaxBytes: number;
  /** Tests hand in a recorder; otherwise nodemailer on EMAIL_SMTP_*. */
  sender?: EmailSender;
  /** Called after each message is handled and flagged in the mailbox. */
  onHandled?: (outcome: IntakeOutcome) => void;
  now: () => Date;
  logger: Logger;
}) {
  const logger = deps.logger.child({ component: 'email' });
  const smtp = deps.sender ? null : createSmtpSender(deps.config.smtp);
  const service = createEmailIntakeService({
    cases: deps.cases,
    messages: createEmailMessageRepo(deps.db),
    photos: deps.photos,
    sender: deps.sender ?? smtp!,
    messageIdDomain: domainOf(deps.config.smtp.from),
    photoMaxBytes: deps.photoMaxBytes,
    now: deps.now,
    logger,
  });
  const mailbox = startImapMailbox({
    imap: deps.config.imap,
    pollSeconds: deps.config.pollSeconds,
    // Room for MAX_EMAIL_PHOTOS photos at their limit in base64 (4/3), and the text.
    maxMessageBytes: Math.ceil((MAX_EMAIL_PHOTOS * deps.photoMaxBytes * 4) / 3) + 1024 * 1024,
    async handle(source, uid, truncated) {
      const mail = await parseEmail(source, truncated);
      logger.info({ uid, messageId: mail.messageId }, 'e-mail read');
      return service.handle(mail);
    },
    flagged(outcome) {
      logger.info({ outcome }, 'e-mail done');
      deps.onHandled?.(outcome as IntakeOutcome);
    },
    logger,
  });
  return {
    service,
    isConnected: mailbox.isConnected,
    warnings: mailbox.warnings,
    poke: mailbox.poke,
    async close(): Promise<void> {
      await mailbox.stop();
      smtp?.close();
    },
  };
}
export type EmailModule = ReturnType<typeof createEmailModule>;
