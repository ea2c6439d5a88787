import { describe, expect, it } from 'vitest';
import { phoneIdentity, sipAccount } from './phone-account.js';

describe('phoneIdentity', () => {
  it('gives a new phone its endpoint, the endpoint\'s own PJSIP interface and a 144-bit password', () => {
    const a = phoneIdentity(null, 'agent-sara', undefined);
    const b = phoneIdentity(null, 'agent-sara', undefined);
    expect(a).toMatchObject({ endpoint: 'agent-sara', interface: 'PJSIP/agent-sara' });
    expect(a.sipPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(b.sipPassword).not.toBe(a.sipPassword);
  });

  it('keeps what a saved phone has, and takes a requested interface', () => {
    const before = { endpoint: 'sup-maryam', interface: 'PJSIP/sup-maryam', sipPassword: 'kept' };
    expect(phoneIdentity(before, 'sup-other', undefined)).toEqual(before);
    expect(phoneIdentity(before, 'sup-other', 'Local/0912@mobiles/n')).toEqual({ ...before, interface: 'Local/0912@mobiles/n' });
  });
});

describe('sipAccount', () => {
  it('registers with the endpoint as username', () => {
    expect(sipAccount({ endpoint: 'agent-sara', sipPassword: 'p' }, 'pbx.example')).toEqual({
      username: 'agent-sara',
      password: 'p',
      domain: 'pbx.example',
      transport: 'udp',
    });
  });
});
