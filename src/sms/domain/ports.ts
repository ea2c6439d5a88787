/**
 * What the SMS feature needs from the outside: a provider that sends texts, and storage
 * for the messages. Adapters implement these (src/sms/adapters/).
 */
import type { MessageKind } from './sms-policy.js';

/** Where a text is, as far as the provider says. */
export type DeliveryState = 'sent' | 'delivered' | 'undelivered' | 'failed';

export interface ProviderReceipt {
  /** The provider's id of the message (what its delivery reports name). */
  providerMessageId: string | null;
  /** The provider's own status, as it gave it (logged and stored). */
  providerStatus: string | null;
  state: DeliveryState;
}

export interface OutgoingText {
  /** Numeric idempotency key (Kavenegar's `localid`). */
  localId: number;
  /** Idempotency key for gateways that take a string (`Idempotency-Key`). */
  key: string;
  /** Canonical Iranian mobile number, 09xxxxxxxxx. */
  to: string;
  body: string;
}

export interface SmsProvider {
  /** Stored with each message and naming its delivery reports' source: 'kavenegar', 'http'. */
  readonly name: string;
  send(text: OutgoingText): Promise<ProviderReceipt>;
  /**
   * What the provider knows of a text sent earlier under the same key, for an attempt whose
   * outcome is unknown (a timeout, a crash): null when it never got it. Absent when the
   * provider cannot say; its own idempotency key then guards the resend.
   */
  lookup?(text: OutgoingText): Promise<ProviderReceipt | null>;
  /** A delivery report's status as this provider words it (Kavenegar: 10, 11…) → a state; null when unknown. */
  reportState(status: string): DeliveryState | null;
}

/** A provider's refusal or failure; `permanent` ones are not retried (an invalid number). */
export class SmsProviderError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'SmsProviderError';
  }
}

export type SmsStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'skipped';

export interface SmsMessage {
  id: string;
  localId: number;
  caseId: string | null;
  kind: MessageKind;
  occurrence: string;
  phone: string;
  body: string;
  segments: number;
  encoding: string;
  status: SmsStatus;
  skipReason: string | null;
  provider: string | null;
  providerMessageId: string | null;
  providerStatus: string | null;
  attempts: number;
  lastError: string | null;
  sendAfter: Date;
  sentAt: Date | null;
  deliveredAt: Date | null;
  reply: string | null;
  replyVerdict: string | null;
  repliedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewSmsMessage {
  caseId: string | null;
  kind: MessageKind;
  occurrence: string;
  phone: string;
  body: string;
  segments: number;
  encoding: string;
  sendAfter: Date;
  /** Recorded but never sent (the number is on the do-not-contact list). */
  skipReason?: string;
  at: Date;
}

export interface SmsMessageRepo {
  /** Stores the message once per (case, kind, occurrence); `created` false when it already was. */
  create(input: NewSmsMessage): Promise<{ message: SmsMessage; created: boolean }>;
  findById(id: string): Promise<SmsMessage | null>;
  listForCase(caseId: string): Promise<SmsMessage[]>;
  /** Marks an attempt started (status `sending`, attempts + 1) unless the message is settled; the row as it was before, or null. */
  claim(id: string, at: Date): Promise<SmsMessage | null>;
  markSent(id: string, provider: string, receipt: ProviderReceipt, at: Date): Promise<void>;
  markFailed(id: string, error: string, at: Date): Promise<void>;
  markSkipped(id: string, reason: string, at: Date): Promise<void>;
  noteError(id: string, error: string, at: Date): Promise<void>;
  /** Applies a delivery report to the message the provider knows by this id; the updated row, or null. */
  recordDelivery(provider: string, providerMessageId: string, state: DeliveryState, providerStatus: string, at: Date): Promise<SmsMessage | null>;
  /** Messages still to send whose row has not moved since `before` (the sweep's candidates). */
  listPending(before: Date, limit: number): Promise<SmsMessage[]>;
  /** The latest satisfaction question texted to this number since `since` and not answered yet. */
  openSatisfactionQuestion(phone: string, since: Date): Promise<SmsMessage | null>;
  /** Stores the answer once; false when one was already stored. */
  recordReply(id: string, reply: string, verdict: 'accept' | 'object', at: Date): Promise<boolean>;
}
