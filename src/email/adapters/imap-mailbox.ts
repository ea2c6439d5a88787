import { ImapFlow } from 'imapflow';
import type { Logger } from 'pino';
import type { EmailConfig } from '../email-config.js';

/**
 * The keyword a message gets once its case is stored. Messages stay in the mailbox (staff
 * may read it too); "unread" is not used because a person opening the mailbox sets \Seen.
 */
export const PROCESSED_KEYWORD = '$Hotline137';

const MIN_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 60_000;

/**
 * Reads the mailbox over IMAP (imapflow): every message without PROCESSED_KEYWORD is
 * handed to `handle`, and flagged only when that resolved — a crash in between leaves it
 * unflagged, to be read again (the handler is idempotent). New mail is noticed by IDLE
 * where the server has it (imapflow idles on its own), and looked for every
 * `pollSeconds` in any case; a lost connection is opened again with a growing pause.
 */
export function startImapMailbox(opts: {
  imap: EmailConfig['imap'];
  pollSeconds: number;
  /**
   * Resolves with what the caller wants passed to `flagged` once the message is flagged.
   * A message over `maxMessageBytes` comes as its header block only (`truncated`).
   */
  handle: (source: Buffer, uid: number, truncated: boolean) => Promise<unknown>;
  maxMessageBytes: number;
  flagged?: (handled: unknown) => void;
  logger: Logger;
}) {
  const { imap, logger } = opts;
  const pollMs = opts.pollSeconds * 1000;
  let stopped = false;
  let client: ImapFlow | null = null;
  let connected = false;
  /** Why the last attempt to open the mailbox failed; null once it is open. */
  let lastError: string | null = null;
  let wake: (() => void) | null = null;
  // New mail announced while a look is under way is looked for right after it.
  let pending = false;
  const wakeUp = () => {
    if (wake) wake();
    else pending = true;
    wake = null;
  };
  const nextWake = () =>
    new Promise<void>((resolve) => {
      if (pending) {
        pending = false;
        resolve();
        return;
      }
      const timer = setTimeout(resolve, pollMs);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function drain(c: ImapFlow): Promise<void> {
    pending = false;
    const lock = await c.getMailboxLock(imap.mailbox);
    try {
      const uids = (await c.search({ unKeyword: PROCESSED_KEYWORD }, { uid: true })) || [];
      for (const uid of uids) {
        if (stopped) return;
        const meta = await c.fetchOne(String(uid), { size: true }, { uid: true });
        if (!meta) continue;
        // A huge message is not pulled into memory: its headers make the case, the rest stays in the mailbox.
        const truncated = (meta.size ?? 0) > opts.maxMessageBytes;
        const message = await c.fetchOne(String(uid), truncated ? { headers: true } : { source: true }, { uid: true });
        // The header block, ended by an empty line, reads as a message without a body.
        const source = message ? (truncated ? message.headers && Buffer.concat([message.headers, Buffer.from('\r\n')]) : message.source) : undefined;
        if (!source) continue;
        let handled: unknown;
        try {
          handled = await opts.handle(source, uid, truncated);
        } catch (err) {
          // Left unflagged: read again at the next look (a database or SMTP outage passes).
          logger.warn({ err: (err as Error).message, uid }, 'e-mail not processed; it is read again later');
          continue;
        }
        await c.messageFlagsAdd(String(uid), [PROCESSED_KEYWORD], { uid: true });
        opts.flagged?.(handled);
      }
    } finally {
      lock.release();
    }
  }

  async function session(): Promise<void> {
    const c = new ImapFlow({
      host: imap.host,
      port: imap.port,
      secure: imap.tls,
      auth: { user: imap.user, pass: imap.password },
      logger: false,
      // IDLE soon after each look, restarted at least every poll interval.
      autoIdleDelay: 1_000,
      maxIdleTime: pollMs,
    });
    client = c;
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
    c.on('error', (err: Error) => logger.warn({ err: err.message }, 'IMAP connection error'));
    c.on('exists', () => wakeUp());
    await c.connect();
    connected = true;
    lastError = null;
    logger.info({ host: imap.host, mailbox: imap.mailbox, idle: c.capabilities.has('IDLE') }, 'mailbox open');
    try {
      while (!stopped && c.usable) {
        await drain(c);
        if (stopped) break;
        await Promise.race([closed, nextWake()]);
      }
    } finally {
      connected = false;
      if (c.usable) await c.logout().catch(() => c.close());
    }
  }

  const running = (async () => {
    let backoff = MIN_BACKOFF_MS;
    while (!stopped) {
      const startedAt = Date.now();
      try {
        await session();
      } catch (err) {
        lastError = (err as Error).message;
        logger.warn({ err: lastError }, 'mailbox unreachable');
      }
      if (stopped) break;
      // A session that lasted resets the pause; one failing at once makes it grow.
      backoff = Date.now() - startedAt > MAX_BACKOFF_MS ? MIN_BACKOFF_MS : Math.min(backoff * 2, MAX_BACKOFF_MS);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoff);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();

  return {
    isConnected: () => connected,
    /** For /api/health: the mailbox could not be opened (wrong password, server down). */
    warnings: (): string[] => (!connected && lastError !== null ? [`e-mail intake: the mailbox ${imap.user}@${imap.host} cannot be opened (${lastError})`] : []),
    /** Looks at the mailbox now (besides IDLE and the poll). */
    poke: wakeUp,
    /** Lets the message being handled finish (at most `graceMs`), then logs out. */
    async stop(graceMs = 5_000): Promise<void> {
      stopped = true;
      wakeUp();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
      if ((await Promise.race([running, late])) === 'late') {
        client?.close();
        await running;
      }
      clearTimeout(timer);
    },
  };
}
