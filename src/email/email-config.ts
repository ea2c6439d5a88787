/**
 * The e-mail intake's settings from the environment (every key in .env.example). With
 * EMAIL_INTAKE_ENABLED unset or false nothing is read from a mailbox and the rest is not read.
 */

export interface EmailConfig {
  imap: { host: string; port: number; user: string; password: string; tls: boolean; mailbox: string };
  smtp: { host: string; port: number; user: string | undefined; password: string | undefined; from: string };
  /** How often the mailbox is looked at when IDLE is not offered or has gone quiet. */
  pollSeconds: number;
}

type Env = Record<string, string | undefined>;

function text(env: Env, key: string): string {
  const value = env[key]?.trim() ?? '';
  if (value === '') throw new Error(`${key} is required with EMAIL_INTAKE_ENABLED=true`);
  return value;
}

function int(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${key} must be an integer from ${min} to ${max}: ${raw}`);
  return n;
}

function flag(env: Env, key: string, fallback: boolean): boolean {
  const raw = env[key]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new Error(`${key} must be true or false: ${raw}`);
}

/** Throws an Error naming the key on any bad value; null when the intake is off. */
export function parseEmailConfig(env: Env): EmailConfig | null {
  if (!flag(env, 'EMAIL_INTAKE_ENABLED', false)) return null;
  const from = text(env, 'EMAIL_SMTP_FROM');
  if (!/^[^\s@<>]+@[^\s@<>]+$|<[^\s@<>]+@[^\s@<>]+>$/.test(from)) throw new Error(`EMAIL_SMTP_FROM must be an address (137@tehran.ir or "۱۳۷" <137@tehran.ir>): ${from}`);
  const smtpUser = env.EMAIL_SMTP_USER?.trim() || undefined;
  const smtpPassword = env.EMAIL_SMTP_PASSWORD?.trim() || undefined;
  if ((smtpUser === undefined) !== (smtpPassword === undefined)) throw new Error('EMAIL_SMTP_USER and EMAIL_SMTP_PASSWORD go together (both empty: no SMTP login)');
  return {
    imap: {
      host: text(env, 'EMAIL_IMAP_HOST'),
      port: int(env, 'EMAIL_IMAP_PORT', 993, 1, 65535),
      user: text(env, 'EMAIL_IMAP_USER'),
      password: text(env, 'EMAIL_IMAP_PASSWORD'),
      tls: flag(env, 'EMAIL_IMAP_TLS', true),
      mailbox: env.EMAIL_IMAP_MAILBOX?.trim() || 'INBOX',
    },
    smtp: {
      host: text(env, 'EMAIL_SMTP_HOST'),
      port: int(env, 'EMAIL_SMTP_PORT', 587, 1, 65535),
      user: smtpUser,
      password: smtpPassword,
      from,
    },
    pollSeconds: int(env, 'EMAIL_POLL_SECONDS', 60, 5, 3600),
  };
}
