import { describe, expect, it } from 'vitest';
import { FALLBACK_PREFIX, leftMessages, parseFallbackName } from './fallback-import.js';

const AT = new Date('2026-11-27T09:30:05.000Z');
const ARI_ID = 'citizen-3f2a9c1e-8b7d-4e21-9a0f-5c6d7e8f9012-hotline';

describe('parseFallbackName', () => {
  it('reads the time, an Asterisk uniqueid and the caller the dialplan wrote', () => {
    expect(parseFallbackName('hotline-fallback/20261127093005-1795748299.1-09121234567')).toEqual({
      storedName: 'hotline-fallback/20261127093005-1795748299.1-09121234567',
      recordedAt: AT,
      uniqueId: '1795748299.1',
      caller: '09121234567',
    });
  });

  it('keeps the dashes of an ARI-created channel id inside the uniqueid', () => {
    const parsed = parseFallbackName(`hotline-fallback/20261127093005-${ARI_ID}-09121234567`);
    expect(parsed?.uniqueId).toBe(ARI_ID);
    expect(parsed?.caller).toBe('09121234567');
  });

  it('takes only the last dash as the caller separator when the uniqueid ends in digits', () => {
    const parsed = parseFallbackName('hotline-fallback/20261127093005-call-42-0211234567');
    expect(parsed?.uniqueId).toBe('call-42');
    expect(parsed?.caller).toBe('0211234567');
  });

  it('reads the uniqueid of a node with a systemname (node-b-<epoch>.<n>)', () => {
    const parsed = parseFallbackName('hotline-fallback/20261127093005-node-b-1795748299.1-09121234567');
    expect(parsed).toEqual({
      storedName: 'hotline-fallback/20261127093005-node-b-1795748299.1-09121234567',
      recordedAt: AT,
      uniqueId: 'node-b-1795748299.1',
      caller: '09121234567',
    });
    expect(parseFallbackName('hotline-fallback/20261127093005-node-b-1795748299.1-unknown')?.uniqueId).toBe('node-b-1795748299.1');
  });

  it('turns an unknown caller into null', () => {
    const parsed = parseFallbackName('hotline-fallback/20261127093005-1795748299.1-unknown');
    expect(parsed?.caller).toBeNull();
    expect(parsed?.uniqueId).toBe('1795748299.1');
  });

  it.each([
    ['no prefix', '20261127093005-1795748299.1-09121234567'],
    ['another folder', 'voicebox/20261127093005-1795748299.1-09121234567'],
    ['the prefix alone', FALLBACK_PREFIX],
    ['a short timestamp', 'hotline-fallback/202611270930-1795748299.1-09121234567'],
    ['no caller', 'hotline-fallback/20261127093005-1795748299.1'],
    ['no uniqueid', 'hotline-fallback/20261127093005-09121234567'],
    ['a caller with a plus sign', 'hotline-fallback/20261127093005-1795748299.1-+989121234567'],
    ['a caller that is a word', 'hotline-fallback/20261127093005-1795748299.1-anonymous'],
    ['a file extension', 'hotline-fallback/20261127093005-1795748299.1-09121234567.wav'],
    ['a nested folder', 'hotline-fallback/old/20261127093005-1795748299.1-09121234567'],
    ['a recording the engine made', 'voicebox-1795748299.1'],
    ['an impossible timestamp', 'hotline-fallback/20261399996161-1795748299.1-09121234567'],
  ])('rejects %s', (_label, name) => {
    expect(parseFallbackName(name)).toBeNull();
  });
});

describe('leftMessages', () => {
  it('reads the dialplan fallback and the IVR voicebox names (old and new), and nothing else', () => {
    const found = leftMessages([
      'hotline-fallback/20261127093005-1795748299.1-09121234567',
      'hotline-voicebox/20261127093005-2-09121234567-parks_trees-7-1795748299.2',
      'survey-comment-x',
      'hotline-voicebox/garbage',
      'hotline-voicebox-1795748299_3-voicebox-2',
      'hotline-voicebox-citizen-ab12-hotline-voicebox-1',
      'hotline-fallback/20261127093005-node-b-1795748299.4-09121234567',
      'hotline-voicebox/20261127093005-1-09121234567-parks_trees-7-node-b-1795748299.5',
      'hotline-voicebox-node-b-1795748299_6-voicebox-1',
    ], AT);
    expect(found.map((f) => [f.source, f.message.callId, f.message.category, f.message.district])).toEqual([
      ['fallback', '1795748299.1', null, null],
      ['voicebox', '1795748299.2', 'parks_trees', 7],
      // Named by an earlier engine: the choices come from the call row.
      ['voicebox', '1795748299.3', null, null],
      ['voicebox', 'citizen-ab12-hotline', null, null],
      // A second Asterisk node's uniqueids carry its systemname.
      ['fallback', 'node-b-1795748299.4', null, null],
      ['voicebox', 'node-b-1795748299.5', 'parks_trees', 7],
      ['voicebox', 'node-b-1795748299.6', null, null],
    ]);
    expect(found[2]!.message.take).toBe(2);
    expect(found[0]!.message.recordedAt).toEqual(AT);
  });
});
