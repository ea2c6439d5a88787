import { describe, expect, it } from 'vitest';
import { wavDurationSeconds } from './wav.js';

interface WavSpec {
  sampleRate?: number;
  channels?: number;
  bitsPerSample?: number;
  /** Bytes of audio actually present. */
  dataBytes: number;
  /** The data size the header claims (defaults to the bytes present). */
  declaredDataBytes?: number;
  /** Chunks placed between `fmt ` and `data`, e.g. a LIST chunk of metadata. */
  extraChunks?: { id: string; body: Buffer }[];
  omitFmt?: boolean;
}

function chunk(id: string, body: Buffer, declaredSize = body.length): Buffer {
  const head = Buffer.alloc(8);
  head.write(id, 0, 'ascii');
  head.writeUInt32LE(declaredSize, 4);
  // RIFF pads odd-sized chunks to an even length; the pad byte is not counted in the size.
  const pad = body.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0);
  return Buffer.concat([head, body, pad]);
}

function wav(spec: WavSpec): Buffer {
  const { sampleRate = 8000, channels = 1, bitsPerSample = 16 } = spec;
  const blockAlign = (channels * bitsPerSample) / 8;
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(1, 0);
  fmt.writeUInt16LE(channels, 2);
  fmt.writeUInt32LE(sampleRate, 4);
  fmt.writeUInt32LE(sampleRate * blockAlign, 8);
  fmt.writeUInt16LE(blockAlign, 12);
  fmt.writeUInt16LE(bitsPerSample, 14);
  const data = Buffer.alloc(spec.dataBytes, 0x11);
  const body = Buffer.concat([
    Buffer.from('WAVE', 'ascii'),
    ...(spec.omitFmt ? [] : [chunk('fmt ', fmt)]),
    ...(spec.extraChunks ?? []).map((c) => chunk(c.id, c.body)),
    // Written by hand: a truncated file's header claims more than the bytes that follow.
    Buffer.concat([chunk('data', Buffer.alloc(0), spec.declaredDataBytes ?? spec.dataBytes).subarray(0, 8), data]),
  ]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'ascii');
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

describe('wavDurationSeconds', () => {
  it('measures 1.5 s of 8 kHz 16-bit mono', () => {
    expect(wavDurationSeconds(wav({ dataBytes: 24_000 }))).toBe(1.5);
  });

  it('uses the byte rate of the format (16 kHz stereo)', () => {
    expect(wavDurationSeconds(wav({ sampleRate: 16_000, channels: 2, dataBytes: 64_000 }))).toBe(1);
  });

  it('is 0 for an empty recording', () => {
    expect(wavDurationSeconds(wav({ dataBytes: 0 }))).toBe(0);
  });

  it.each([
    ['text', Buffer.from('this is not audio at all, just some text long enough to pass the size check')],
    ['an empty buffer', Buffer.alloc(0)],
    ['a RIFF header alone', Buffer.from('RIFF\x24\x00\x00\x00WAVE', 'latin1')],
    ['a RIFF file of another kind', Buffer.concat([Buffer.from('RIFF\x00\x00\x00\x00AVI ', 'latin1'), Buffer.alloc(64)])],
  ])('is 0 for %s', (_label, buffer) => {
    expect(wavDurationSeconds(buffer)).toBe(0);
  });

  it('is 0 when no fmt chunk gives the byte rate', () => {
    expect(wavDurationSeconds(wav({ dataBytes: 24_000, omitFmt: true }))).toBe(0);
  });

  it('counts only the bytes present when the data chunk is cut short', () => {
    expect(wavDurationSeconds(wav({ dataBytes: 8_000, declaredDataBytes: 24_000 }))).toBe(0.5);
  });

  it('counts the bytes present when the size was never filled in (a file still being written)', () => {
    expect(wavDurationSeconds(wav({ dataBytes: 4_000, declaredDataBytes: 0xffffffff }))).toBe(0.25);
  });

  it('skips a LIST chunk before the data', () => {
    const list = { id: 'LIST', body: Buffer.from('INFOISFT\x0e\x00\x00\x00Lavf60.16.100\x00', 'latin1') };
    expect(wavDurationSeconds(wav({ dataBytes: 24_000, extraChunks: [list] }))).toBe(1.5);
  });

  it('skips an odd-sized chunk together with its pad byte', () => {
    const odd = { id: 'note', body: Buffer.from('abc', 'ascii') };
    expect(wavDurationSeconds(wav({ dataBytes: 24_000, extraChunks: [odd] }))).toBe(1.5);
  });

  it('is 0 when there is no data chunk at all', () => {
    const withoutData = wav({ dataBytes: 0 }).subarray(0, 12 + 8 + 16);
    expect(wavDurationSeconds(Buffer.concat([withoutData, chunk('LIST', Buffer.alloc(16))]))).toBe(0);
  });
});
