import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFileRecordingStore } from '../../src/adapters/db/recording-store.js';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import { cases, emailMessages } from '../../src/adapters/db/schema/index.js';
import { readJpegGps } from '../../src/domain/cases/photo.js';
import { createEmailModule, type EmailModule } from '../../src/email/email-module.js';
import type { IntakeOutcome } from '../../src/email/services/email-intake-service.js';
import { createTestPostgresDatabase, openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { NO_ASTERISK, outputLine, spawnEngine, type EngineProcess } from '../helpers/engine-process.js';
import { REFUSED_ADDRESS, startMailRig, type MailRig } from '../helpers/mail-server.js';
import { jpeg } from '../helpers/photos.js';
import { engineClock } from '../helpers/test-clock.js';

const CITIZEN = 'citizen@example.ir';
/** Azadi Square, as a phone camera writes it into the photo. */
const AZADI = { lat: 35.6997, long: 51.338 };

function tracking(mail: { parsed: { subject?: string } }): string {
  const match = /\((\d{10})\)/.exec(mail.parsed.subject ?? '');
  if (!match) throw new Error(`no tracking number in ${mail.parsed.subject}`);
  return match[1]!;
}

describe('e-mail intake (real dovecot over IMAP, real SMTP, PostgreSQL)', () => {
  let db: TestDatabase;
  let dataDir: string;
  let rig: MailRig;
  let intake: EmailModule;
  let outcomes: IntakeOutcome[];
  let waiting: ((o: IntakeOutcome) => void)[];
  let read: number;
  const nextOutcome = () => {
    const index = read++;
    return index < outcomes.length ? Promise.resolve(outcomes[index]!) : new Promise<IntakeOutcome>((resolve) => waiting.push(resolve));
  };

  beforeAll(async () => {
    db = await openTestDatabase('postgres');
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'hotline-email-'));
  });
  afterAll(async () => {
    await db?.cleanup();
    await rm(dataDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    rig = await startMailRig();
    outcomes = [];
    waiting = [];
    read = 0;
    intake = createEmailModule({
      config: {
        imap: { ...rig.account, tls: false, mailbox: rig.mailbox },
        smtp: { host: '127.0.0.1', port: rig.smtpPort, user: undefined, password: undefined, from: `"۱۳۷" <${'137@hotline.test'}>` },
        pollSeconds: 30,
      },
      db: db.database.db,
      cases: createRepositories(db.database).cases,
      photos: createFileRecordingStore(dataDir),
      // A message over 5 × 64 KiB in base64 + 1 MiB (about 1.4 MiB) is read by its headers only.
      photoMaxBytes: 64 * 1024,
      onHandled(outcome) {
        outcomes.push(outcome);
        waiting.shift()?.(outcome);
      },
      now: engineClock,
      logger: pino({ level: 'silent' }),
    });
  });
  afterEach(async () => {
    await intake?.close();
    await rig?.close();
  });

  it('makes a case of an e-mail with a photo, keeps the photo stripped and its point, and answers with the tracking number', async () => {
    const messageId = await rig.send({
      from: `"مریم رضایی" <${CITIZEN}>`,
      subject: 'چاله در خیابان آزادی',
      text: 'یک چاله بزرگ جلوی پلاک ۱۲ هست.',
      attachments: [
        { filename: 'IMG_0001.jpg', content: jpeg(AZADI), contentType: 'image/jpeg' },
        { filename: 'notes.pdf', content: Buffer.from('%PDF-1.4 not a photo'), contentType: 'application/pdf' },
      ],
    });

    const outcome = await nextOutcome();
    expect(outcome.action).toBe('created');
    const answer = await rig.nextSent();
    const trackingNumber = tracking(answer);
    expect(outcome).toEqual({ action: 'created', trackingNumber });
    expect(answer.to).toEqual([CITIZEN]);
    expect(answer.parsed.inReplyTo).toBe(`<${messageId}>`);
    expect(answer.parsed.text).toContain('کد رهگیری');
    expect(answer.parsed.text).toContain(trackingNumber.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]!));
    expect(answer.parsed.headers.get('auto-submitted')).toBe('auto-replied');

    const repo = createRepositories(db.database).cases;
    const found = (await repo.findByTrackingNumber(trackingNumber))!;
    expect(found).toMatchObject({ channel: 'email', externalId: messageId, lat: AZADI.lat, long: AZADI.long });
    expect(found.description).toContain('چاله در خیابان آزادی');
    expect(found.description).toContain('notes.pdf');
    expect(found.reporter).toMatchObject({ email: CITIZEN, firstName: 'مریم رضایی' });
    const media = await repo.media([found.id]);
    expect(media).toHaveLength(1);
    expect(media[0]).toMatchObject({ source: 'email', contentType: 'image/jpeg', lat: AZADI.lat, long: AZADI.long });
    const stored = await readFile(path.join(dataDir, media[0]!.storedKey!));
    expect(readJpegGps(stored)).toBeNull();
    expect(stored.includes(Buffer.from('taken at home'))).toBe(false);
    await expect(rig.isFlagged(messageId)).resolves.toBe(true);
  });

  it('adds a reply in the thread, or one naming the tracking number in its subject, to the same case', async () => {
    const first = await rig.send({ from: CITIZEN, subject: 'درخت افتاده', text: 'درخت روی پیاده‌رو افتاده است.' });
    await nextOutcome();
    const answer = await rig.nextSent();
    const trackingNumber = tracking(answer);
    const ourId = answer.parsed.messageId!;

    await rig.send({
      from: CITIZEN,
      subject: `Re: ${answer.parsed.subject}`,
      inReplyTo: ourId,
      references: [`<${first}>`, ourId],
      text: `هنوز برداشته نشده.\n\nOn Tue, 1 Dec 2026, 137 wrote:\n> ${answer.parsed.text}`,
      attachments: [{ filename: 'tree.jpg', content: jpeg(), contentType: 'image/jpeg' }],
    });
    expect(await nextOutcome()).toEqual({ action: 'added', trackingNumber });
    expect((await rig.nextSent()).parsed.text).toContain('افزوده شد');

    // Headers lost (a new message), the tracking number kept in the subject.
    await rig.send({ from: 'neighbour@example.ir', subject: `پیگیری ${trackingNumber}`, text: 'من هم دیدم.' });
    expect(await nextOutcome()).toEqual({ action: 'added', trackingNumber });
    await rig.nextSent();

    const repo = createRepositories(db.database).cases;
    const found = (await repo.findByTrackingNumber(trackingNumber))!;
    const notes = found.events.filter((e) => e.kind === 'note').map((e) => e.note);
    expect(notes).toEqual([expect.stringContaining('هنوز برداشته نشده.'), expect.stringContaining('من هم دیدم.')]);
    expect(notes[0]).not.toContain('کد رهگیری');
    expect(await repo.media([found.id])).toHaveLength(1);
    const rows = await db.database.db.select().from(cases).where(eq(cases.channel, 'email'));
    expect(rows.filter((r) => r.description?.includes('درخت'))).toHaveLength(1);
    const linked = await db.database.db.select().from(emailMessages).where(eq(emailMessages.caseId, found.id));
    expect(linked.map((l) => l.direction).sort()).toEqual(['in', 'in', 'in', 'out', 'out', 'out']);
  });

  it('makes a case of a message too large to read from its headers, and leaves the rest in the mailbox', async () => {
    const messageId = await rig.send({
      from: CITIZEN,
      subject: 'فیلم آب‌گرفتگی',
      text: 'فیلم پیوست است.',
      attachments: [{ filename: 'flood.mp4', content: Buffer.alloc(2 * 1024 * 1024, 7), contentType: 'video/mp4' }],
    });
    const outcome = await nextOutcome();
    expect(outcome.action).toBe('created');
    const answer = await rig.nextSent();
    const found = (await createRepositories(db.database).cases.findByTrackingNumber(tracking(answer)))!;
    expect(found.externalId).toBe(messageId);
    expect(found.description).toContain('فیلم آب‌گرفتگی');
    expect(found.description).toContain('از اندازهٔ مجاز بزرگ‌تر بود');
    await expect(rig.isFlagged(messageId)).resolves.toBe(true);
  });

  it('keeps the case when the answer is refused for good (a 550 for the sender), and flags the message', async () => {
    const messageId = await rig.send({ from: REFUSED_ADDRESS, subject: 'سگ ولگرد', text: 'در پارک لاله.' });
    const outcome = await nextOutcome();
    expect(outcome.action).toBe('created');
    const found = (await createRepositories(db.database).cases.findByTrackingNumber((outcome as { trackingNumber: string }).trackingNumber))!;
    expect(found.externalId).toBe(messageId);
    await expect(rig.isFlagged(messageId)).resolves.toBe(true);
    expect(rig.sent).toHaveLength(0);
  });

  it('ignores auto-replies and bounces: no case, no answer, but flagged as read', async () => {
    const before = (await db.database.db.select().from(cases)).length;
    const autoReply = 'vacation-1@example.ir';
    await rig.sendRaw(
      CITIZEN,
      [
        `From: ${CITIZEN}`,
        `To: 137@hotline.test`,
        `Subject: Out of office`,
        `Message-ID: <${autoReply}>`,
        'Auto-Submitted: auto-replied',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'I am away until Saturday.',
        '',
      ].join('\r\n'),
    );
    const bounce = 'bounce-1@mx.example.ir';
    await rig.sendRaw(
      '',
      [
        'From: Mail Delivery System <MAILER-DAEMON@mx.example.ir>',
        'To: 137@hotline.test',
        'Subject: Undelivered Mail Returned to Sender',
        `Message-ID: <${bounce}>`,
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain',
        '',
        'The mail system could not deliver your message.',
        '--b1--',
        '',
      ].join('\r\n'),
    );
    expect(await nextOutcome()).toEqual({ action: 'ignored', reason: 'auto-reply' });
    expect(await nextOutcome()).toEqual({ action: 'ignored', reason: 'bounce' });
    await expect(rig.isFlagged(autoReply)).resolves.toBe(true);
    await expect(rig.isFlagged(bounce)).resolves.toBe(true);
    expect((await db.database.db.select().from(cases)).length).toBe(before);
    expect(rig.sent).toHaveLength(0);
  });
});

describe('an unreachable mailbox', () => {
  it('is a health warning naming the mailbox, never the password', async () => {
    const db = await openTestDatabase('postgres');
    const intake = createEmailModule({
      config: {
        // Nothing listens on the discard port.
        imap: { host: '127.0.0.1', port: 9, user: 'hotline', password: 'imap-secret-do-not-log', tls: false, mailbox: 'INBOX' },
        smtp: { host: '127.0.0.1', port: 9, user: undefined, password: undefined, from: '137@hotline.test' },
        pollSeconds: 30,
      },
      db: db.database.db,
      cases: createRepositories(db.database).cases,
      photos: createFileRecordingStore(os.tmpdir()),
      photoMaxBytes: 64 * 1024,
      now: engineClock,
      logger: pino({ level: 'silent' }),
    });
    try {
      // The first attempt fails at once (connection refused); no event reaches the test.
      await expect.poll(() => intake.warnings(), { timeout: 10_000 }).toHaveLength(1);
      expect(intake.warnings()[0]).toContain('hotline@127.0.0.1');
      expect(intake.warnings()[0]).not.toContain('imap-secret-do-not-log');
      expect(intake.isConnected()).toBe(false);
    } finally {
      await intake.close();
      await db.cleanup();
    }
  });
});

describe('the engine killed between reading an e-mail and storing it (real process, SIGKILL)', () => {
  let rig: MailRig;
  let database: { url: string; drop(): Promise<void> };
  let dataDir: string;
  const engines: EngineProcess[] = [];

  beforeAll(async () => {
    rig = await startMailRig();
    database = await createTestPostgresDatabase();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'hotline-email-proc-'));
  });
  afterAll(async () => {
    for (const engine of engines) await engine.cleanup();
    await rig?.close();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = async () => {
    const engine = await spawnEngine(
      ['--import', 'tsx', 'src/main.ts'],
      {
        ...NO_ASTERISK,
        SMS_PROVIDER: 'off',
        EMAIL_INTAKE_ENABLED: 'true',
        EMAIL_IMAP_HOST: rig.account.host,
        EMAIL_IMAP_PORT: String(rig.account.port),
        EMAIL_IMAP_USER: rig.account.user,
        EMAIL_IMAP_PASSWORD: rig.account.password,
        EMAIL_IMAP_TLS: 'false',
        EMAIL_IMAP_MAILBOX: rig.mailbox,
        EMAIL_SMTP_HOST: '127.0.0.1',
        EMAIL_SMTP_PORT: String(rig.smtpPort),
        EMAIL_SMTP_USER: '',
        EMAIL_SMTP_PASSWORD: '',
        EMAIL_SMTP_FROM: '137@hotline.test',
      },
      { dataDir, databaseUrl: database.url },
    );
    engines.push(engine);
    await outputLine(engine, /"msg":"mailbox open"/);
    return engine;
  };

  /** Polls PostgreSQL until a query of the engine waits for a lock (another process: no event to await). */
  async function engineBlocked(admin: pg.Client): Promise<void> {
    const until = Date.now() + 30_000;
    for (;;) {
      const { rows } = await admin.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
      );
      if (rows[0]!.n > 0) return;
      if (Date.now() > until) throw new Error('the engine never waited on the locked table');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  // `cases` locked: killed before the case is stored (no loss). `email_messages` locked:
  // killed after the case is stored, before the message is flagged (no duplicate).
  it.each(['cases', 'email_messages'] as const)('killed while writing %s: exactly one case and one answer after the restart', async (table) => {
    const first = await start();
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    const sentBefore = rig.sent.length;
    try {
      await admin.query('begin');
      // Reads go on, writes to the table wait: the engine stops right at that write.
      await admin.query(`lock table ${table} in exclusive mode`);
      const messageId = await rig.send({ from: CITIZEN, subject: `آب‌گرفتگی ${table}`, text: 'زیرگذر پر از آب است.', attachments: [{ filename: 'a.jpg', content: jpeg(AZADI) }] });
      // pino writes the bindings first, the message last.
      await outputLine(first, new RegExp(`${messageId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*"msg":"e-mail read"`));
      await engineBlocked(admin);
      first.child.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');
      await admin.query('rollback');

      const stored = await admin.query('select count(*)::int as n from cases where external_id = $1', [messageId]);
      expect(stored.rows[0].n).toBe(table === 'cases' ? 0 : 1);
      await expect(rig.isFlagged(messageId)).resolves.toBe(false);
      expect(rig.sent.length).toBe(sentBefore);

      const second = await start();
      const answer = await rig.nextSent();
      await outputLine(second, /"msg":"e-mail done"/);
      const trackingNumber = tracking(answer);
      const after = await admin.query('select tracking_number, channel from cases where external_id = $1', [messageId]);
      expect(after.rows).toEqual([{ tracking_number: trackingNumber, channel: 'email' }]);
      const photos = await admin.query('select count(*)::int as n from case_media m join cases c on c.id = m.case_id where c.external_id = $1', [messageId]);
      expect(photos.rows[0].n).toBe(1);
      await expect(rig.isFlagged(messageId)).resolves.toBe(true);
      expect(rig.sent.length).toBe(sentBefore + 1);
      second.child.kill('SIGKILL');
      await second.exited;
    } finally {
      await admin.end();
    }
    // Two engine starts from the sources (tsx) on a shared 2-core machine.
  }, 120_000);
});
