/**
 * One e-mail in, one decision: ignored (a machine wrote it), added to the case its thread
 * or subject names, or a new case (channel `email`); then the sender's answer. Every step
 * is idempotent on the message's Message-ID, so a message read again after a crash (it
 * is flagged only once this resolves) makes no second case, note or answer.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Case } from '../../domain/cases/case.js';
import type { NewCaseMedia } from '../../domain/cases/media.js';
import { PHOTO_EXTENSIONS, preparePhoto } from '../../domain/cases/photo.js';
import type { CaseRepo } from '../../domain/cases/ports.js';
import { withoutUnsafeInLine } from '../../domain/text.js';
import { caseDescription, classifyMessage, maskEmail, referencedIds, replyFor, trackingNumberInSubject, withoutQuote } from '../domain/inbound.js';
import type { EmailMessageRepo } from '../adapters/email-message-repo.js';
import type { EmailSender, InboundEmail, PhotoStore } from './email-ports.js';

/** Photos kept from one message; more are listed in the case's text as not kept. */
export const MAX_EMAIL_PHOTOS = 5;
const ACTOR = 'email';

export type IntakeOutcome =
  | { action: 'ignored'; reason: 'auto-reply' | 'bounce' | 'no-sender' }
  | { action: 'created' | 'added'; trackingNumber: string };

const digest = (s: string) => createHash('sha256').update(s).digest('hex');

export function createEmailIntakeService(deps: {
  cases: Pick<CaseRepo, 'create' | 'findById' | 'findByTrackingNumber'>;
  messages: Pick<EmailMessageRepo, 'caseOf' | 'has' | 'link' | 'addToCase'>;
  photos: PhotoStore;
  sender: EmailSender;
  /** Where our answers' Message-IDs are minted (the From address's domain). */
  messageIdDomain: string;
  photoMaxBytes: number;
  now: () => Date;
  logger: Logger;
}) {
  /** The photos of a message, stored under keys fixed by its Message-ID (a re-read overwrites, never duplicates). */
  async function keepPhotos(mail: InboundEmail): Promise<{ media: NewCaseMedia[]; refused: string[] }> {
    const media: NewCaseMedia[] = [];
    const refused: string[] = [];
    for (const [i, file] of mail.attachments.entries()) {
      const name = withoutUnsafeInLine(file.filename ?? '') || `پیوست ${i + 1}`;
      if (media.length >= MAX_EMAIL_PHOTOS) {
        refused.push(name);
        continue;
      }
      const photo = preparePhoto(file.data, deps.photoMaxBytes);
      if (!photo.ok) {
        refused.push(name);
        continue;
      }
      const key = `photo-email-${digest(`${mail.messageId}\n${i}`).slice(0, 32)}.${PHOTO_EXTENSIONS[photo.type]}`;
      await deps.photos.save(key, Buffer.from(photo.data));
      media.push({ source: 'email', storedKey: key, contentType: photo.type, bytes: photo.data.length, lat: photo.point?.lat ?? null, long: photo.point?.long ?? null });
    }
    return { media, refused };
  }

  /** The case this message continues: one of the messages it answers, else the tracking number in its subject. */
  async function threadCase(mail: InboundEmail): Promise<Case | null> {
    const known = await deps.messages.caseOf(referencedIds(mail.inReplyTo, mail.references));
    if (known) {
      const found = await deps.cases.findById(known);
      if (found) return found;
    }
    const trackingNumber = trackingNumberInSubject(mail.subject);
    return trackingNumber ? deps.cases.findByTrackingNumber(trackingNumber) : null;
  }

  /** Answers once per message: our answer's Message-ID is fixed by theirs and recorded after sending. */
  async function answer(mail: InboundEmail, to: string, found: Case, kind: 'created' | 'added'): Promise<void> {
    const replyId = `reply-${digest(mail.messageId).slice(0, 32)}@${deps.messageIdDomain}`;
    if (await deps.messages.has(replyId)) return;
    const reply = replyFor(kind, found.trackingNumber, mail.subject);
    const result = await deps.sender.send({
      to,
      subject: reply.subject,
      text: reply.text,
      messageId: replyId,
      inReplyTo: mail.messageId,
      references: [...mail.references, mail.messageId],
    });
    // A refused address will not take it later either; the case stands without the answer.
    if (result === 'refused') {
      deps.logger.warn({ trackingNumber: found.trackingNumber, to: maskEmail(to) }, 'the answer was refused for good by the SMTP server');
      return;
    }
    await deps.messages.link(replyId, found.id, 'out');
  }

  return {
    async handle(mail: InboundEmail): Promise<IntakeOutcome> {
      const log = deps.logger.child({ messageId: mail.messageId, from: maskEmail(mail.fromAddress) });
      const kind = classifyMessage(mail.headers);
      if (kind !== 'person') {
        log.info({ kind }, 'e-mail ignored');
        return { action: 'ignored', reason: kind };
      }
      const from = mail.fromAddress?.trim();
      if (!from) {
        log.warn('e-mail without a sender ignored');
        return { action: 'ignored', reason: 'no-sender' };
      }

      const { media, refused } = await keepPhotos(mail);
      const refusedNote =
        (refused.length > 0 ? `\n\nپیوست‌های نگه‌داشته‌نشده (فقط عکس JPEG، PNG یا WebP): ${refused.join('، ')}` : '') +
        (mail.truncated ? '\n\n(این ایمیل از اندازهٔ مجاز بزرگ‌تر بود؛ متن و پیوست‌هایش در صندوق ایمیل مانده است.)' : '');
      const thread = await threadCase(mail);
      if (thread) {
        const text = withoutQuote(mail.text) || '(بدون متن)';
        const added = await deps.messages.addToCase({
          caseId: thread.id,
          messageId: mail.messageId,
          // Masked like the reporter's address is for districts, who read the history too.
          note: `ایمیل شهروند (${maskEmail(from)}): ${text}${refusedNote}`.slice(0, 4000),
          actor: ACTOR,
          media,
          at: deps.now(),
        });
        log.info({ trackingNumber: thread.trackingNumber, photos: media.length, again: !added }, 'e-mail added to its case');
        await answer(mail, from, thread, 'added');
        return { action: 'added', trackingNumber: thread.trackingNumber };
      }

      // A message without a position of its own takes the first photo's EXIF point.
      const point = media.find((m) => m.lat != null && m.long != null);
      const created = await deps.cases.create({
        channel: 'email',
        externalId: mail.messageId,
        description: caseDescription(mail.subject, mail.text) + refusedNote,
        reporter: { email: withoutUnsafeInLine(from), firstName: withoutUnsafeInLine(mail.fromName ?? '').trim() || null, lastName: null, phone: null },
        lat: point?.lat ?? null,
        long: point?.long ?? null,
        media,
        actor: ACTOR,
      });
      await deps.messages.link(mail.messageId, created.id, 'in');
      log.info({ trackingNumber: created.trackingNumber, photos: media.length }, 'e-mail case');
      await answer(mail, from, created, 'created');
      return { action: 'created', trackingNumber: created.trackingNumber };
    },
  };
}
export type EmailIntakeService = ReturnType<typeof createEmailIntakeService>;
