/**
 * Kavenegar's REST API (https://kavenegar.com/rest.html): every call is
 * `<base>/v1/<API-KEY>/<scope>/<method>.json`, parameters form-encoded, and the answer
 * `{"return": {"status": 200, "message": "تایید شد"}, "entries": [...]}`; any status
 * but 200 is a refusal (the HTTP status says the same).
 *
 * - `sms/send.json` — receptor, message, sender, localid → entries[{messageid, status, statustext, receptor, …}]
 * - `sms/statuslocalmessageid.json` — localid → entries[{messageid, localid, status, statustext}]
 *   (status 100: no message with that localid), used before resending an attempt whose
 *   outcome was never seen, so a citizen is not texted twice.
 * Delivery reports and inbound texts are posted by Kavenegar to URLs set in its panel
 * (`messageid` + `status`, and `messageid`, `from`, `to`, `message`): see the routes.
 */
import { SmsProviderError, type DeliveryState, type OutgoingText, type ProviderReceipt, type SmsProvider } from '../domain/ports.js';

export interface KavenegarConfig {
  apiKey: string;
  /** https://api.kavenegar.com in production; the tests' fake gateway otherwise. */
  baseUrl: string;
  /** The line texts are sent from; empty: the account's default line. */
  sender: string;
  timeoutMs: number;
}

/** Kavenegar's message statuses (sms/status, delivery reports) as delivery states. */
export function kavenegarState(status: number): DeliveryState {
  if (status === 10) return 'delivered';
  if (status === 11) return 'undelivered';
  // 6 failed, 13 cancelled, 14 blocked by the receiver, 100 unknown id.
  if (status === 6 || status === 13 || status === 14 || status === 100) return 'failed';
  // 1 queued, 2 scheduled, 4 and 5 handed to the operator.
  return 'sent';
}

// Refusals a retry cannot change: bad parameters, receptor, sender, text, account or key.
// 418 (credit) and 409 (server busy) and 5xx are retried: they pass.
const PERMANENT = new Set([400, 401, 403, 404, 405, 406, 407, 411, 412, 413, 414, 415, 416, 417, 419, 422, 424, 426, 428, 431, 432]);

interface KavenegarAnswer {
  return?: { status?: number; message?: string };
  entries?: { messageid?: number | string; status?: number; statustext?: string }[] | null;
}

export function createKavenegarProvider(config: KavenegarConfig, fetchImpl: typeof fetch = fetch): SmsProvider {
  const base = config.baseUrl.replace(/\/+$/, '');

  async function call(method: string, params: Record<string, string>): Promise<KavenegarAnswer> {
    // The key is a path segment; it never reaches a log (errors name the method only).
    const url = `${base}/v1/${encodeURIComponent(config.apiKey)}/sms/${method}.json`;
    let res: Response;
    try {
      res = await fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/json' },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(config.timeoutMs),
      });
    } catch (err) {
      throw new SmsProviderError(`kavenegar ${method}: ${(err as Error).name === 'TimeoutError' ? 'timed out' : (err as Error).message}`, false);
    }
    const text = await res.text();
    let answer: KavenegarAnswer;
    try {
      answer = JSON.parse(text) as KavenegarAnswer;
    } catch {
      throw new SmsProviderError(`kavenegar ${method}: HTTP ${res.status}, not JSON`, false);
    }
    const status = answer.return?.status ?? res.status;
    if (status !== 200) {
      throw new SmsProviderError(`kavenegar ${method}: ${status} ${answer.return?.message ?? ''}`.trim(), PERMANENT.has(status));
    }
    return answer;
  }

  const receipt = (entry: NonNullable<KavenegarAnswer['entries']>[number] | undefined): ProviderReceipt => {
    const status = typeof entry?.status === 'number' ? entry.status : 1;
    return {
      providerMessageId: entry?.messageid !== undefined ? String(entry.messageid) : null,
      providerStatus: String(status),
      state: kavenegarState(status),
    };
  };

  return {
    name: 'kavenegar',
    reportState: (status) => (/^\d{1,4}$/.test(status) ? kavenegarState(Number(status)) : null),
    async send(text: OutgoingText) {
      const params: Record<string, string> = { receptor: text.to, message: text.body, localid: String(text.localId) };
      if (config.sender !== '') params.sender = config.sender;
      const answer = await call('send', params);
      return receipt(answer.entries?.[0]);
    },
    async lookup(text: OutgoingText) {
      const answer = await call('statuslocalmessageid', { localid: String(text.localId) });
      const entry = answer.entries?.[0];
      if (!entry || entry.status === 100 || entry.messageid === undefined || Number(entry.messageid) <= 0) return null;
      return receipt(entry);
    },
  };
}
