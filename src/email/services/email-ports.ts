/**
 * The e-mail intake's contracts: a message as read (parsed, plain data), and the ways out
 * the service uses. Adapters implement them (imapflow + mailparser, nodemailer, drizzle).
 */
import type { MessageHeaders } from '../domain/inbound.js';

export interface InboundAttachment {
  filename: string | null;
  /** As the sender's mail client declared it; never trusted (photos are sniffed). */
  declaredType: string | null;
  data: Buffer;
}

export interface InboundEmail {
  /** Without brackets; one made from the message's bytes when it had none. */
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  /** Too large to read whole: only its headers were read (no text, no attachments). */
  truncated: boolean;
  subject: string | null;
  text: string | null;
  fromAddress: string | null;
  fromName: string | null;
  headers: MessageHeaders;
  attachments: InboundAttachment[];
}

export interface OutboundEmail {
  to: string;
  subject: string;
  text: string;
  /** Without brackets; ours, so a reply to it names its case. */
  messageId: string;
  inReplyTo: string;
  references: string[];
}

export interface EmailSender {
  /**
   * `refused`: the server turned the recipient or message down for good (an SMTP 5xx);
   * a throw is a passing failure (connection, 4xx) worth trying again.
   */
  send(mail: OutboundEmail): Promise<'sent' | 'refused'>;
}

export interface PhotoStore {
  save(key: string, data: Buffer): Promise<void>;
}
