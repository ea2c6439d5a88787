/** Length in seconds of a PCM WAV file from its header (0 when it is not one). */
export function wavDurationSeconds(wav: Buffer): number {
  if (wav.length < 44 || wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE') return 0;
  let offset = 12;
  let byteRate = 0;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('ascii', offset, offset + 4);
    const size = wav.readUInt32LE(offset + 4);
    if (id === 'fmt ') byteRate = wav.readUInt32LE(offset + 16);
    if (id === 'data') {
      const dataBytes = Math.min(size, wav.length - offset - 8);
      return byteRate > 0 ? dataBytes / byteRate : 0;
    }
    offset += 8 + size + (size % 2);
  }
  return 0;
}
