/**
 * Photos citizens send with a report: the type from the bytes themselves (never the
 * name or the declared type), the GPS position a phone camera wrote into the EXIF
 * block, and a copy without that metadata (a home address hidden in a photo's EXIF
 * must not travel on to districts or the public). Pure byte work, no image library.
 */

export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];

export const PHOTO_EXTENSIONS: Record<PhotoType, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** JPEG, PNG or WebP by their magic bytes; null for anything else. */
export function sniffPhotoType(data: Uint8Array): PhotoType | null {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.length >= 8 && PNG_SIGNATURE.every((b, i) => data[i] === b)) return 'image/png';
  if (data.length >= 12 && ascii(data, 0, 4) === 'RIFF' && ascii(data, 8, 4) === 'WEBP') return 'image/webp';
  return null;
}

function ascii(data: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...data.subarray(at, at + length));
}

export interface GeoPoint {
  lat: number;
  long: number;
}

/** JPEG segments before the image data: [marker, start of the segment's payload, its end]. */
function* jpegSegments(data: Uint8Array): Generator<{ marker: number; start: number; end: number; payload: number }> {
  let at = 2;
  while (at + 4 <= data.length) {
    if (data[at] !== 0xff) return;
    const marker = data[at + 1]!;
    // Fill bytes, and markers without a length (RSTn, TEM).
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    const length = (data[at + 2]! << 8) | data[at + 3]!;
    if (length < 2 || at + 2 + length > data.length) return;
    yield { marker, start: at, payload: at + 4, end: at + 2 + length };
    // Start of scan: the entropy-coded data follows; no more metadata segments.
    if (marker === 0xda) return;
    at += 2 + length;
  }
}

const APP1 = 0xe1;
const APP13 = 0xed;
const COM = 0xfe;

/**
 * The position in a JPEG's EXIF GPS block (tags GPSLatitudeRef/GPSLatitude/
 * GPSLongitudeRef/GPSLongitude), or null when it has none or it is not a position.
 */
export function readJpegGps(data: Uint8Array): GeoPoint | null {
  for (const seg of jpegSegments(data)) {
    if (seg.marker !== APP1 || ascii(data, seg.payload, 6) !== 'Exif\0\0') continue;
    const point = readTiffGps(data.subarray(seg.payload + 6, seg.end));
    if (point) return point;
  }
  return null;
}

function readTiffGps(tiff: Uint8Array): GeoPoint | null {
  if (tiff.length < 8) return null;
  const order = ascii(tiff, 0, 2);
  if (order !== 'II' && order !== 'MM') return null;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const little = order === 'II';
  const u16 = (at: number) => (at + 2 <= tiff.length ? view.getUint16(at, little) : NaN);
  const u32 = (at: number) => (at + 4 <= tiff.length ? view.getUint32(at, little) : NaN);

  /** The entries of the IFD at `offset`: tag → [type, count, value-or-offset position]. */
  const entries = (offset: number) => {
    const found = new Map<number, { type: number; count: number; at: number }>();
    const n = u16(offset);
    if (!Number.isFinite(n) || n > 1000) return found;
    for (let i = 0; i < n; i++) {
      const e = offset + 2 + i * 12;
      if (e + 12 > tiff.length) break;
      found.set(u16(e), { type: u16(e + 2), count: u32(e + 4), at: e + 8 });
    }
    return found;
  };

  const ifd0 = entries(u32(4));
  const gpsPointer = ifd0.get(0x8825);
  if (!gpsPointer) return null;
  const gps = entries(u32(gpsPointer.at));

  const ref = (tag: number) => {
    const e = gps.get(tag);
    return e && e.type === 2 ? String.fromCharCode(tiff[e.at] ?? 0) : null;
  };
  const degrees = (tag: number) => {
    const e = gps.get(tag);
    if (!e || e.type !== 5 || e.count !== 3) return null;
    const at = u32(e.at);
    const parts = [0, 1, 2].map((i) => u32(at + i * 8) / u32(at + i * 8 + 4));
    if (parts.some((p) => !Number.isFinite(p))) return null;
    return parts[0]! + parts[1]! / 60 + parts[2]! / 3600;
  };

  const lat = degrees(2);
  const long = degrees(4);
  const latRef = ref(1);
  const longRef = ref(3);
  if (lat === null || long === null || !latRef || !longRef) return null;
  const point = { lat: latRef === 'S' ? -lat : lat, long: longRef === 'W' ? -long : long };
  if (Math.abs(point.lat) > 90 || Math.abs(point.long) > 180) return null;
  // 0,0 is a camera with no fix, not a place in the Gulf of Guinea.
  if (point.lat === 0 && point.long === 0) return null;
  return { lat: Math.round(point.lat * 1e7) / 1e7, long: Math.round(point.long * 1e7) / 1e7 };
}

/**
 * The JPEG without its EXIF/XMP (APP1), IPTC (APP13) and comment segments; every other
 * byte as it was, so the picture is unchanged. Returns null for a JPEG it cannot walk.
 */
export function stripJpegMetadata(data: Uint8Array): Uint8Array | null {
  const kept: Uint8Array[] = [data.subarray(0, 2)];
  let reachedScan = false;
  let last = 2;
  for (const seg of jpegSegments(data)) {
    // Anything between segments (fill bytes, RSTn) is kept as it was.
    if (seg.start > last) kept.push(data.subarray(last, seg.start));
    if (seg.marker !== APP1 && seg.marker !== APP13 && seg.marker !== COM) kept.push(data.subarray(seg.start, seg.end));
    last = seg.end;
    if (seg.marker === 0xda) {
      reachedScan = true;
      break;
    }
  }
  if (!reachedScan) return null;
  kept.push(data.subarray(last));
  return concat(kept);
}

/** PNG without its text and EXIF chunks (tEXt, zTXt, iTXt, eXIf). */
export function stripPngMetadata(data: Uint8Array): Uint8Array | null {
  const kept: Uint8Array[] = [data.subarray(0, 8)];
  let at = 8;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  while (at + 12 <= data.length) {
    const length = view.getUint32(at);
    const type = ascii(data, at + 4, 4);
    const end = at + 12 + length;
    if (end > data.length) return null;
    if (!['tEXt', 'zTXt', 'iTXt', 'eXIf'].includes(type)) kept.push(data.subarray(at, end));
    at = end;
    if (type === 'IEND') return concat(kept);
  }
  return null;
}

/** WebP without its EXIF and XMP chunks (and their flags in VP8X), sizes mended. */
export function stripWebpMetadata(data: Uint8Array): Uint8Array | null {
  const kept: Uint8Array[] = [];
  let at = 12;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  while (at + 8 <= data.length) {
    const type = ascii(data, at, 4);
    const size = view.getUint32(at + 4, true);
    const end = at + 8 + size + (size % 2);
    if (at + 8 + size > data.length) return null;
    if (type === 'VP8X') {
      const chunk = data.slice(at, Math.min(end, data.length));
      // Bits 3 (EXIF) and 2 (XMP) of the flags byte say those chunks follow.
      chunk[8] = chunk[8]! & ~0b1100;
      kept.push(chunk);
    } else if (type !== 'EXIF' && type !== 'XMP ') {
      kept.push(data.subarray(at, Math.min(end, data.length)));
    }
    at = end;
  }
  const body = concat(kept);
  const out = new Uint8Array(12 + body.length);
  out.set(data.subarray(0, 12));
  new DataView(out.buffer).setUint32(4, 4 + body.length, true);
  out.set(body, 12);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export type PhotoCheck =
  | { ok: true; type: PhotoType; data: Uint8Array; point: GeoPoint | null }
  | { ok: false; reason: 'not_an_image' | 'too_large' | 'unreadable' };

/**
 * What a case keeps of an uploaded file: a JPEG, PNG or WebP of at most `maxBytes`,
 * its metadata stripped, and the point its EXIF gave (JPEG).
 */
export function preparePhoto(data: Uint8Array, maxBytes: number): PhotoCheck {
  if (data.length > maxBytes) return { ok: false, reason: 'too_large' };
  const type = sniffPhotoType(data);
  if (type === null) return { ok: false, reason: 'not_an_image' };
  const point = type === 'image/jpeg' ? readJpegGps(data) : null;
  const stripped =
    type === 'image/jpeg' ? stripJpegMetadata(data) : type === 'image/png' ? stripPngMetadata(data) : stripWebpMetadata(data);
  if (stripped === null) return { ok: false, reason: 'unreadable' };
  return { ok: true, type, data: stripped, point };
}
