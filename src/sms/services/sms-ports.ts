/** What the SMS feature offers the HTTP layer (webhooks) and the rest of the engine. */
import type { SatisfactionVerdict } from '../domain/sms-policy.js';

export interface SmsWebhooks {
  /** A provider's delivery report, status as the provider words it; false when the message is unknown or the status is. */
  deliveryReport(providerMessageId: string, status: string): Promise<{ known: boolean; status: string | null }>;
  /** A text that may answer the satisfaction question; null when it is no answer. */
  satisfactionReply(phone: string, text: string): Promise<{ verdict: SatisfactionVerdict; trackingNumber: string; reply: string } | null>;
  /** Sends `body` to `phone` as the answer to the inbound text `inboundId` (once per inbound text). */
  answer(phone: string, body: string, inboundId: string): Promise<void>;
}
