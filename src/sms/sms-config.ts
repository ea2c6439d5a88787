/**
 * The SMS feature's settings from the environment (every key in .env.example). With
 * SMS_PROVIDER unset or `off` nothing is texted and the rest is not read.
 */
import { parseKinds, parseQuietHours, parseReplyCodes, SURVEY_POLICIES, type SmsPolicy, type SurveyPolicy } from './domain/sms-policy.js';

export type SmsProviderConfig =
  | { kind: 'kavenegar'; apiKey: string; baseUrl: string; sender: string }
  | { kind: 'http'; urlTemplate: string; method: 'GET' | 'POST'; authHeader: string | undefined; split: boolean };

export interface SmsConfig {
  provider: SmsProviderConfig;
  timeoutMs: number;
  ratePerSecond: number;
  attempts: number;
  backoffMs: number;
  policy: SmsPolicy;
  /** How long after the satisfaction question a reply still answers it. */
  replyWindowMs: number;
  /**
   * SURVEY_POLICY: sms-first (the question by SMS at closure; the phone survey only for
   * those who did not answer it within `surveyWaitMs`), call-first (the call as
   * configured; the SMS question `surveyWaitMs` after closing, only if the call got no
   * answer), both (each as if alone).
   */
  surveyPolicy: SurveyPolicy;
  surveyWaitMs: number;
}

type Env = Record<string, string | undefined>;

function int(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${key} must be an integer from ${min} to ${max}: ${raw}`);
  return n;
}

/** Throws an Error naming the key on any bad value; null when SMS is off. */
export function parseSmsConfig(env: Env): SmsConfig | null {
  const kind = env.SMS_PROVIDER?.trim() || 'off';
  if (kind === 'off') return null;
  let provider: SmsProviderConfig;
  if (kind === 'kavenegar') {
    const apiKey = env.KAVENEGAR_API_KEY?.trim() ?? '';
    if (!/^[A-Za-z0-9+/=_-]{8,200}$/.test(apiKey)) throw new Error('KAVENEGAR_API_KEY is required with SMS_PROVIDER=kavenegar (the key from the Kavenegar panel)');
    const baseUrl = env.KAVENEGAR_BASE_URL?.trim() || 'https://api.kavenegar.com';
    if (!/^https?:\/\/[^\s]+$/.test(baseUrl)) throw new Error(`KAVENEGAR_BASE_URL is not a URL: ${baseUrl}`);
    const sender = env.KAVENEGAR_SENDER?.trim() ?? '';
    if (sender !== '' && !/^\d{4,20}$/.test(sender)) throw new Error(`KAVENEGAR_SENDER must be the line's digits: ${sender}`);
    provider = { kind, apiKey, baseUrl, sender };
  } else if (kind === 'http') {
    const urlTemplate = env.SMS_HTTP_URL?.trim() ?? '';
    if (!/^https?:\/\/[^\s]+$/.test(urlTemplate)) throw new Error('SMS_HTTP_URL is required with SMS_PROVIDER=http (a URL; {to}, {text} and {id} are filled in)');
    const method = (env.SMS_HTTP_METHOD?.trim() || 'POST').toUpperCase();
    if (method !== 'GET' && method !== 'POST') throw new Error(`SMS_HTTP_METHOD must be GET or POST: ${method}`);
    const split = (env.SMS_HTTP_SPLIT?.trim() || 'false') === 'true';
    provider = { kind, urlTemplate, method, authHeader: env.SMS_HTTP_AUTH_HEADER?.trim() || undefined, split };
  } else {
    throw new Error(`SMS_PROVIDER must be off, kavenegar or http: ${kind}`);
  }
  const surveyPolicy = (env.SURVEY_POLICY?.trim() || 'sms-first') as SurveyPolicy;
  if (!SURVEY_POLICIES.includes(surveyPolicy)) throw new Error(`SURVEY_POLICY must be ${SURVEY_POLICIES.join(', ')}: ${surveyPolicy}`);
  const surveyWaitMs = int(env, 'SMS_SURVEY_WAIT_HOURS', 24, 0, 24 * 30) * 3_600_000;
  return {
    provider,
    timeoutMs: int(env, 'SMS_TIMEOUT_MS', 10_000, 100, 120_000),
    ratePerSecond: int(env, 'SMS_RATE_PER_SECOND', 10, 1, 1000),
    attempts: int(env, 'SMS_SEND_ATTEMPTS', 8, 1, 50),
    backoffMs: int(env, 'SMS_BACKOFF_MS', 30_000, 10, 3_600_000),
    policy: {
      kinds: parseKinds(env.SMS_KINDS),
      quietHours: parseQuietHours(env.SMS_QUIET_HOURS ?? '22:00-07:00'),
      maxSegments: int(env, 'SMS_MAX_SEGMENTS', 2, 1, 6),
      replyCodes: parseReplyCodes(env.SMS_REPLY_ACCEPT, env.SMS_REPLY_OBJECT),
      satisfactionDelayMs: surveyPolicy === 'call-first' ? surveyWaitMs : 0,
    },
    replyWindowMs: int(env, 'SMS_REPLY_WINDOW_HOURS', 72, 1, 24 * 60) * 3_600_000,
    surveyPolicy,
    surveyWaitMs,
  };
}
