import { describe, expect, it } from 'vitest';
import { conversationName, parseConversationName } from './conversation-name.js';

const callId = '3f1c2a9e-5b7d-4e21-9a0b-1c2d3e4f5a6b';

describe('conversation names', () => {
  it('round-trips the time, the call and the channel', () => {
    const startedAt = new Date('2026-12-02T07:31:05Z');
    const name = conversationName({ startedAt, callId, uniqueId: '1796214989.123' });
    expect(name).toBe(`hotline-conversation/20261202073105-${callId}-1796214989.123`);
    expect(parseConversationName(name)).toEqual({ storedName: name, startedAt, callId, uniqueId: '1796214989.123' });
  });

  it('keeps channel ids with dashes (callbacks placed over ARI)', () => {
    const name = conversationName({ startedAt: new Date('2026-12-02T07:31:05Z'), callId, uniqueId: 'callback-42-1796214989000' });
    expect(parseConversationName(name)?.uniqueId).toBe('callback-42-1796214989000');
  });

  it('keeps the uniqueid of a node with a systemname (node-b-<epoch>.<n>)', () => {
    const startedAt = new Date('2026-12-02T07:31:05Z');
    const name = conversationName({ startedAt, callId, uniqueId: 'node-b-1796214989.123' });
    expect(name).toBe(`hotline-conversation/20261202073105-${callId}-node-b-1796214989.123`);
    expect(parseConversationName(name)).toEqual({ storedName: name, startedAt, callId, uniqueId: 'node-b-1796214989.123' });
  });

  it('refuses other files and impossible times', () => {
    expect(parseConversationName('hotline-fallback/20261202073105-1.2-0912')).toBeNull();
    expect(parseConversationName(`hotline-conversation/20261302073105-${callId}-1.2`)).toBeNull();
    expect(parseConversationName(`hotline-conversation/20261202073105-not-a-uuid-1.2`)).toBeNull();
  });
});
