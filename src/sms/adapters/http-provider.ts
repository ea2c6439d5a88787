/**
 * Any gateway reachable by one HTTP request per text: a URL template with `{to}`, `{text}`
 * and `{id}` (URL-encoded), GET or POST (POST sends `{"to", "text", "id"}` as JSON), an
 * optional authentication header, and `Idempotency-Key: <id>` so a gateway that honours it
 * never sends a retried text twice. A 2xx answer is a send; the message id is read from
 * the JSON answer's `messageId`, `message_id` or `id` when there is one.
 */
import { splitText } from '../domain/segments.js';
import { SmsProviderError, type DeliveryState, type OutgoingText, type ProviderReceipt, type SmsProvider } from '../domain/ports.js';

export interface HttpProviderConfig {
  urlTemplate: string;
  method: 'GET' | 'POST';
  /** `Name: value`, e.g. `Authorization: Bearer …` (a secret); null: none. */
  authHeader: { name: string; value: string } | null;
  /** The gateway takes only single SMS: a long text goes as several, each its own request. */
  split: boolean;
  timeoutMs: number;
}

export function parseAuthHeader(raw: string | undefined): { name: string; value: string } | null {
  const s = raw?.trim();
  if (!s) return null;
  const colon = s.indexOf(':');
  const name = colon > 0 ? s.slice(0, colon).trim() : '';
  if (!/^[A-Za-z0-9-]+$/.test(name)) throw new Error('SMS_HTTP_AUTH_HEADER must look like "Name: value"');
  return { name, value: s.slice(colon + 1).trim() };
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(to|text|id)\}/g, (_, k: string) => encodeURIComponent(values[k] ?? ''));
}

export function createHttpProvider(config: HttpProviderConfig, fetchImpl: typeof fetch = fetch): SmsProvider {
  async function one(to: string, body: string, id: string): Promise<ProviderReceipt> {
    const url = fill(config.urlTemplate, { to, text: body, id });
    const headers: Record<string, string> = { 'idempotency-key': id, accept: 'application/json' };
    if (config.authHeader) headers[config.authHeader.name.toLowerCase()] = config.authHeader.value;
    if (config.method === 'POST') headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetchImpl(url, {
        method: config.method,
        headers,
        ...(config.method === 'POST' ? { body: JSON.stringify({ to, text: body, id }) } : {}),
        signal: AbortSignal.timeout(config.timeoutMs),
      });
    } catch (err) {
      throw new SmsProviderError(`sms gateway: ${(err as Error).name === 'TimeoutError' ? 'timed out' : (err as Error).message}`, false);
    }
    const text = await res.text();
    if (!res.ok) {
      // The gateway refuses the request as sent: retrying the same request cannot help.
      const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
      throw new SmsProviderError(`sms gateway: HTTP ${res.status}`, permanent);
    }
    let providerMessageId: string | null = null;
    try {
      const json = JSON.parse(text) as Record<string, unknown>;
      const idField = json.messageId ?? json.message_id ?? json.id;
      if (typeof idField === 'string' || typeof idField === 'number') providerMessageId = String(idField);
    } catch {
      // A gateway that answers plain text: our key names the message.
    }
    return { providerMessageId: providerMessageId ?? id, providerStatus: String(res.status), state: 'sent' };
  }

  return {
    name: 'http',
    reportState: (status) => (['sent', 'delivered', 'undelivered', 'failed'].includes(status) ? (status as DeliveryState) : null),
    async send(text: OutgoingText) {
      if (!config.split) return one(text.to, text.body, text.key);
      const parts = splitText(text.body);
      let first: ProviderReceipt | null = null;
      for (const [i, part] of parts.entries()) {
        // Each part its own key: a retry resends only what the gateway did not take.
        const r = await one(text.to, part, parts.length === 1 ? text.key : `${text.key}-${i + 1}`);
        first ??= r;
      }
      return first as ProviderReceipt;
    },
  };
}
