import { describe, expect, it } from 'vitest';
import { parseEmailConfig } from './email-config.js';

const ON = {
  EMAIL_INTAKE_ENABLED: 'true',
  EMAIL_IMAP_HOST: 'mail.tehran.ir',
  EMAIL_IMAP_USER: '137@tehran.ir',
  EMAIL_IMAP_PASSWORD: 'imap-secret',
  EMAIL_SMTP_HOST: 'smtp.tehran.ir',
  EMAIL_SMTP_FROM: '"سامانه ۱۳۷" <137@tehran.ir>',
};

describe('e-mail intake config', () => {
  it('is off unless EMAIL_INTAKE_ENABLED says true, and then reads nothing else', () => {
    expect(parseEmailConfig({})).toBeNull();
    expect(parseEmailConfig({ EMAIL_INTAKE_ENABLED: 'false', EMAIL_IMAP_PORT: 'x' })).toBeNull();
  });

  it('defaults to IMAP over TLS on 993, INBOX, SMTP on 587 without login, a look every 60 s', () => {
    expect(parseEmailConfig(ON)).toEqual({
      imap: { host: 'mail.tehran.ir', port: 993, user: '137@tehran.ir', password: 'imap-secret', tls: true, mailbox: 'INBOX' },
      smtp: { host: 'smtp.tehran.ir', port: 587, user: undefined, password: undefined, from: '"سامانه ۱۳۷" <137@tehran.ir>' },
      pollSeconds: 60,
    });
  });

  it('reads every key', () => {
    const config = parseEmailConfig({
      ...ON,
      EMAIL_IMAP_PORT: '143',
      EMAIL_IMAP_TLS: 'false',
      EMAIL_IMAP_MAILBOX: 'Citizens',
      EMAIL_SMTP_PORT: '465',
      EMAIL_SMTP_USER: 'relay',
      EMAIL_SMTP_PASSWORD: 'smtp-secret',
      EMAIL_POLL_SECONDS: '15',
    });
    expect(config).toMatchObject({ imap: { port: 143, tls: false, mailbox: 'Citizens' }, smtp: { port: 465, user: 'relay', password: 'smtp-secret' }, pollSeconds: 15 });
  });

  it.each([
    [{ EMAIL_IMAP_HOST: '' }, /EMAIL_IMAP_HOST is required/],
    [{ EMAIL_SMTP_FROM: 'not an address' }, /EMAIL_SMTP_FROM must be an address/],
    [{ EMAIL_SMTP_USER: 'relay' }, /go together/],
    [{ EMAIL_IMAP_PORT: '99999' }, /EMAIL_IMAP_PORT must be an integer/],
    [{ EMAIL_POLL_SECONDS: '1' }, /EMAIL_POLL_SECONDS must be an integer from 5/],
    [{ EMAIL_IMAP_TLS: 'maybe' }, /EMAIL_IMAP_TLS must be true or false/],
  ])('refuses %j, naming the key', (change, message) => {
    expect(() => parseEmailConfig({ ...ON, ...change })).toThrow(message);
  });
});
