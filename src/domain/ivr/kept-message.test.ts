import { describe, expect, it } from 'vitest';
import { newestTakes, parseVoiceboxName, voiceboxName, type KeptMessage } from './kept-message.js';

const AT = new Date('2026-11-27T09:30:05.000Z');
const ARI_ID = 'citizen-3f2a9c1e-8b7d-4e21-9a0f-5c6d7e8f9012-hotline';

const message = (over: Partial<KeptMessage> = {}): KeptMessage => ({
  recordedAt: AT,
  take: 1,
  callId: '1795748299.17',
  caller: '09121234567',
  category: 'parks_trees',
  district: 7,
  ...over,
});

describe('voiceboxName / parseVoiceboxName', () => {
  it('writes the choices into the name', () => {
    expect(voiceboxName(message())).toBe('hotline-voicebox/20261127093005-1-09121234567-parks_trees-7-1795748299.17');
  });

  it.each([
    ['an Asterisk uniqueid and every choice', message()],
    ['an ARI channel id with dashes', message({ callId: ARI_ID })],
    ['a uniqueid of a node with a systemname', message({ callId: 'node-b-1795748299.17' })],
    ['no choices and an unknown caller', message({ caller: null, category: null, district: null, take: 2 })],
    ['district 22 and a category with underscores', message({ category: 'traffic_transport', district: 22 })],
  ])('reads back %s', (_name, m) => {
    expect(parseVoiceboxName(voiceboxName(m))).toEqual(m);
  });

  it('keeps only the digits of a caller number', () => {
    expect(parseVoiceboxName(voiceboxName(message({ caller: '+98 912 123 4567' })))?.caller).toBe('989121234567');
  });

  it.each([
    ['another folder', 'hotline-fallback/20261127093005-1-09121234567-parks_trees-7-1795748299.17'],
    ['an unknown category', 'hotline-voicebox/20261127093005-1-09121234567-rockets-7-1795748299.17'],
    ['no district 23', 'hotline-voicebox/20261127093005-1-09121234567-parks_trees-23-1795748299.17'],
    ['an impossible date', 'hotline-voicebox/20261327093005-1-09121234567-parks_trees-7-1795748299.17'],
    ['a missing call id', 'hotline-voicebox/20261127093005-1-09121234567-parks_trees-7-'],
    ['a path in the call id', 'hotline-voicebox/20261127093005-1-09121234567-parks_trees-7-a/../b'],
    ['the old flat name', 'hotline-voicebox-1795748299_17-voicebox-1'],
  ])('refuses %s', (_name, stored) => {
    expect(parseVoiceboxName(stored)).toBeNull();
  });
});

describe('newestTakes', () => {
  it('keeps the newest take of each call; the others are superseded', () => {
    const found = [
      { message: message({ take: 1 }) },
      { message: message({ take: 2 }) },
      { message: message({ callId: 'other', take: 1 }) },
    ];
    const { keep, superseded } = newestTakes(found);
    expect(keep.map((f) => [f.message.callId, f.message.take])).toEqual([
      ['1795748299.17', 2],
      ['other', 1],
    ]);
    expect(superseded).toEqual([found[0]]);
  });
});
