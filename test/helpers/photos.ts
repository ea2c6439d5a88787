/**
 * Small but well-formed image files as phones send them: a JPEG with a JFIF header, an
 * EXIF block carrying a GPS position (what a phone camera writes), a quantisation table
 * and a scan; a PNG with a text chunk; a WebP with an EXIF chunk.
 */

function u16be(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}

function le16(n: number): number[] {
  return [n & 0xff, (n >> 8) & 0xff];
}

function le32(n: number): number[] {
  return [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
}

function segment(marker: number, payload: number[]): number[] {
  return [0xff, marker, ...u16be(payload.length + 2), ...payload];
}

/** Degrees as three EXIF rationals: d/1, m/1, s*100/100. */
function dms(value: number): number[] {
  const abs = Math.abs(value);
  const d = Math.floor(abs);
  const m = Math.floor((abs - d) * 60);
  const s = Math.round(((abs - d) * 60 - m) * 60 * 100);
  return [...le32(d), ...le32(1), ...le32(m), ...le32(1), ...le32(s), ...le32(100)];
}

/** A little-endian TIFF whose IFD0 points at a GPS IFD with the four position tags. */
function exifWithGps(lat: number, long: number): number[] {
  const ifd0At = 8;
  const gpsAt = ifd0At + 2 + 12 + 4; // IFD0: one entry, then the next-IFD link
  const ratAt = gpsAt + 2 + 4 * 12 + 4;
  const entry = (tag: number, type: number, count: number, value: number[]) => [...le16(tag), ...le16(type), ...le32(count), ...value];
  const ascii1 = (c: string) => [c.charCodeAt(0), 0, 0, 0];
  return [
    ...[0x49, 0x49, 0x2a, 0x00],
    ...le32(ifd0At),
    ...le16(1),
    ...entry(0x8825, 4, 1, le32(gpsAt)),
    ...le32(0),
    ...le16(4),
    ...entry(1, 2, 2, ascii1(lat < 0 ? 'S' : 'N')),
    ...entry(2, 5, 3, le32(ratAt)),
    ...entry(3, 2, 2, ascii1(long < 0 ? 'W' : 'E')),
    ...entry(4, 5, 3, le32(ratAt + 24)),
    ...le32(0),
    ...dms(lat),
    ...dms(long),
  ];
}

const JFIF = segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
const DQT = segment(0xdb, [0, ...Array.from({ length: 64 }, (_, i) => (i % 30) + 1)]);
const SOF0 = segment(0xc0, [8, ...u16be(1), ...u16be(1), 1, 1, 0x11, 0]);
const SOS = segment(0xda, [1, 1, 0, 0, 63, 0]);
const SCAN = [0x12, 0x34, 0xff, 0x00, 0x56, 0xff, 0xd0, 0x78];
const EOI = [0xff, 0xd9];

/** A JPEG; with a position, an EXIF APP1 carrying it (and a comment, also metadata). */
export function jpeg(point?: { lat: number; long: number }): Buffer {
  const exif = point ? segment(0xe1, [...Array.from('Exif\0\0', (c) => c.charCodeAt(0)), ...exifWithGps(point.lat, point.long)]) : [];
  const comment = point ? segment(0xfe, Array.from('taken at home', (c) => c.charCodeAt(0))) : [];
  return Buffer.from([0xff, 0xd8, ...JFIF, ...exif, ...comment, ...DQT, ...SOF0, ...SOS, ...SCAN, ...EOI]);
}

/** The same JPEG as jpeg() without a position: what stripping must leave. */
export const jpegWithoutMetadata = () => jpeg();

function crc32(bytes: number[]): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function pngChunk(type: string, data: number[]): number[] {
  const typed = [...Array.from(type, (c) => c.charCodeAt(0)), ...data];
  const crc = crc32(typed);
  return [...[data.length >>> 24, (data.length >> 16) & 0xff, (data.length >> 8) & 0xff, data.length & 0xff], ...typed, ...[crc >>> 24, (crc >> 16) & 0xff, (crc >> 8) & 0xff, crc & 0xff]];
}

/** A 1×1 PNG, with a tEXt chunk when `withText`. */
export function png(withText = false): Buffer {
  const ihdr = pngChunk('IHDR', [0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
  const text = withText ? pngChunk('tEXt', Array.from('Comment\0home address', (c) => c.charCodeAt(0))) : [];
  const idat = pngChunk('IDAT', [0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]);
  return Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...ihdr, ...text, ...idat, ...pngChunk('IEND', [])]);
}

function riffChunk(type: string, data: number[]): number[] {
  return [...Array.from(type, (c) => c.charCodeAt(0)), ...le32(data.length), ...data, ...(data.length % 2 ? [0] : [])];
}

/** A WebP (VP8X + a tiny VP8L), with an EXIF chunk when `withExif`. */
export function webp(withExif = false): Buffer {
  const vp8x = riffChunk('VP8X', [withExif ? 0b1000 : 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const vp8l = riffChunk('VP8L', [0x2f, 0, 0, 0, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xfe, 0x07, 0x00]);
  const exif = withExif ? riffChunk('EXIF', exifWithGps(35.7, 51.4)) : [];
  const body = [...Array.from('WEBP', (c) => c.charCodeAt(0)), ...vp8x, ...vp8l, ...exif];
  return Buffer.from([...Array.from('RIFF', (c) => c.charCodeAt(0)), ...le32(body.length), ...body]);
}
