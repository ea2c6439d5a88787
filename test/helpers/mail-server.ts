import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ImapFlow } from 'imapflow';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { PROCESSED_KEYWORD } from '../../src/email/adapters/imap-mailbox.js';

/** The hotline's address in tests: mail to it is delivered into the test mailbox. */
export const HOTLINE_ADDRESS = '137@hotline.test';
/** A recipient the SMTP server refuses for good (550), as a mail server does a mistyped address. */
export const REFUSED_ADDRESS = 'no-such-user@example.ir';

export interface ImapAccount {
  host: string;
  port: number;
  user: string;
  password: string;
}

/**
 * The private dovecot (scripts/dovecot.sh): TEST_IMAP_URL as `npm test` exports it, else
 * asked from the script. Failing rather than skipping: a green run must mean IMAP was real.
 */
export function testImapAccount(): ImapAccount {
  let raw = process.env.TEST_IMAP_URL?.trim();
  if (!raw) {
    try {
      raw = execFileSync('bash', ['scripts/dovecot.sh', 'url'], { cwd: new URL('../..', import.meta.url), encoding: 'utf8' }).trim();
    } catch {
      throw new Error('no IMAP server for the e-mail tests: run `bash scripts/dovecot.sh start` (npm test starts it)');
    }
  }
  const url = new URL(raw);
  return { host: url.hostname, port: Number(url.port), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
}

export interface SentMail {
  from: string;
  to: string[];
  raw: Buffer;
  parsed: ParsedMail;
}

export interface MailRig {
  account: ImapAccount;
  /** A folder of its own in the test mailbox (parallel test files never share messages). */
  mailbox: string;
  smtpPort: number;
  /** What was sent through the SMTP server to anyone but the hotline (the engine's answers), in order. */
  sent: SentMail[];
  /** Resolves with the next answer the engine sends (or one already waiting). */
  nextSent(): Promise<SentMail>;
  /** A citizen's message to the hotline, through SMTP into the mailbox; resolves with its Message-ID. */
  send(mail: SendMailOptions): Promise<string>;
  /** A message as written (auto-replies, bounces), from `from`, into the mailbox. */
  sendRaw(from: string, raw: string): Promise<void>;
  /** Whether the mailbox message with this Message-ID carries the intake's processed keyword. */
  isFlagged(messageId: string): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * A real SMTP server (the `smtp-server` package) in front of the private dovecot: mail
 * to HOTLINE_ADDRESS is delivered into a fresh folder of the test mailbox by IMAP APPEND,
 * anything else is recorded as sent by the engine.
 */
export async function startMailRig(): Promise<MailRig> {
  const account = testImapAccount();
  const mailbox = `hotline-test-${randomBytes(5).toString('hex')}`;
  const imap = new ImapFlow({ host: account.host, port: account.port, secure: false, auth: { user: account.user, pass: account.password }, logger: false });
  await imap.connect();
  await imap.mailboxCreate(mailbox);

  const sent: SentMail[] = [];
  let read = 0;
  const waiting: ((mail: SentMail) => void)[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address === REFUSED_ADDRESS) callback(Object.assign(new Error('5.1.1 No such user'), { responseCode: 550 }));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const to = session.envelope.rcptTo.map((r) => r.address);
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const deliver = to.includes(HOTLINE_ADDRESS)
          ? imap.append(mailbox, raw).then(() => undefined)
          : simpleParser(raw).then((parsed) => {
              const mail = { from, to, raw, parsed };
              sent.push(mail);
              waiting.shift()?.(mail);
            });
        deliver.then(() => callback(), (err: Error) => callback(err));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const smtpPort = (server.server.address() as AddressInfo).port;
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });

  return {
    account,
    mailbox,
    smtpPort,
    sent,
    nextSent() {
      const index = read++;
      if (index < sent.length) return Promise.resolve(sent[index]!);
      return new Promise((resolve) => waiting.push(resolve));
    },
    async send(mail) {
      const info = await transport.sendMail({ to: HOTLINE_ADDRESS, ...mail });
      return info.messageId.replace(/^<|>$/g, '');
    },
    async sendRaw(from, raw) {
      await transport.sendMail({ envelope: { from, to: [HOTLINE_ADDRESS] }, raw });
    },
    async isFlagged(messageId) {
      const lock = await imap.getMailboxLock(mailbox);
      try {
        const uids = (await imap.search({ header: { 'message-id': messageId } }, { uid: true })) || [];
        if (uids.length !== 1) throw new Error(`${uids.length} messages with Message-ID ${messageId}`);
        const message = await imap.fetchOne(String(uids[0]), { flags: true }, { uid: true });
        return message ? (message.flags?.has(PROCESSED_KEYWORD) ?? false) : false;
      } finally {
        lock.release();
      }
    },
    async close() {
      transport.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await imap.mailboxDelete(mailbox).catch(() => undefined);
      await imap.logout();
    },
  };
}
