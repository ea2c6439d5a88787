import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject } from 'mailparser';
import { bareMessageId } from '../domain/inbound.js';
import type { InboundEmail } from '../services/email-ports.js';

function firstAddress(from: AddressObject | AddressObject[] | undefined): { address: string | null; name: string | null } {
  const entry = (Array.isArray(from) ? from[0] : from)?.value[0];
  return { address: entry?.address?.trim() || null, name: entry?.name?.trim() || null };
}

/** A header as written (its first occurrence), unfolded, without its name. */
function rawHeader(lines: readonly { key: string; line: string }[], key: string): string | null {
  const found = lines.find((l) => l.key === key);
  if (!found) return null;
  return found.line.slice(found.line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
}

/**
 * The message as the intake reads it (mailparser). A message without a Message-ID gets
 * one from its bytes, so reading it twice is still recognised as the same message.
 */
export async function parseEmail(source: Buffer, truncated = false): Promise<InboundEmail> {
  const mail = await simpleParser(source, { skipHtmlToText: false, skipTextToHtml: true, skipImageLinks: true });
  const lines = mail.headerLines;
  const from = firstAddress(mail.from);
  const references = Array.isArray(mail.references) ? mail.references : mail.references ? mail.references.split(/\s+/) : [];
  return {
    messageId: mail.messageId ? bareMessageId(mail.messageId) : `${createHash('sha256').update(source).digest('hex').slice(0, 40)}@no-message-id.invalid`,
    inReplyTo: mail.inReplyTo ? bareMessageId(mail.inReplyTo) : null,
    references: references.map(bareMessageId).filter(Boolean),
    truncated,
    subject: mail.subject ?? null,
    text: mail.text ?? null,
    fromAddress: from.address,
    fromName: from.name,
    headers: {
      autoSubmitted: rawHeader(lines, 'auto-submitted'),
      autoreplyHeader: lines.some((l) => l.key === 'x-autoreply' || l.key === 'x-autorespond'),
      precedence: rawHeader(lines, 'precedence'),
      contentType: rawHeader(lines, 'content-type'),
      fromAddress: from.address,
      returnPath: rawHeader(lines, 'return-path'),
    },
    attachments: mail.attachments
      .filter((a) => a.contentDisposition !== 'inline' || a.contentType.startsWith('image/'))
      .map((a) => ({ filename: a.filename ?? null, declaredType: a.contentType ?? null, data: a.content })),
  };
}
