import { randomBytes } from 'node:crypto';
import type { SipAccount } from './agent-ports.js';

interface SavedPhone {
  endpoint: string;
  interface: string;
  sipPassword: string;
}

/**
 * A phone's endpoint, interface and SIP password on saving (an agent's or a
 * supervisor's): what it already has is kept, so a configured phone keeps working;
 * the interface defaults to the endpoint's own PJSIP phone; a new password is 144 random bits.
 */
export function phoneIdentity(before: SavedPhone | null, newEndpoint: string, requestedInterface: string | undefined): SavedPhone {
  const endpoint = before?.endpoint ?? newEndpoint;
  return {
    endpoint,
    interface: requestedInterface ?? before?.interface ?? `PJSIP/${endpoint}`,
    sipPassword: before?.sipPassword ?? randomBytes(18).toString('base64url'),
  };
}

/** What a softphone needs to register: the endpoint is its username. */
export function sipAccount(phone: Pick<SavedPhone, 'endpoint' | 'sipPassword'>, domain: string): SipAccount {
  return { username: phone.endpoint, password: phone.sipPassword, domain, transport: 'udp' };
}
