import { describe, expect, it } from 'vitest';
import { jpeg, png, webp } from '../../../test/helpers/photos.js';
import { preparePhoto, readJpegGps, sniffPhotoType, stripJpegMetadata, stripPngMetadata, stripWebpMetadata } from './photo.js';

describe('photos', () => {
  it('sniffs JPEG, PNG and WebP from their bytes, and nothing else', () => {
    expect(sniffPhotoType(jpeg())).toBe('image/jpeg');
    expect(sniffPhotoType(png())).toBe('image/png');
    expect(sniffPhotoType(webp())).toBe('image/webp');
    expect(sniffPhotoType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffPhotoType(Buffer.from('GIF89a'))).toBeNull();
    expect(sniffPhotoType(Buffer.from([0xff, 0xd8]))).toBeNull();
  });

  it('reads the EXIF GPS position as a point, south and west negative', () => {
    expect(readJpegGps(jpeg({ lat: 35.7575, long: 51.41 }))).toEqual({ lat: expect.closeTo(35.7575, 5), long: expect.closeTo(51.41, 5) });
    expect(readJpegGps(jpeg({ lat: -33.8688, long: -70.6693 }))).toEqual({ lat: expect.closeTo(-33.8688, 5), long: expect.closeTo(-70.6693, 5) });
    expect(readJpegGps(jpeg())).toBeNull();
  });

  it('strips the EXIF and comment segments and keeps every other byte', () => {
    const stripped = stripJpegMetadata(jpeg({ lat: 35.7, long: 51.4 }));
    expect(Buffer.from(stripped!)).toEqual(jpeg());
    expect(readJpegGps(stripped!)).toBeNull();
    expect(Buffer.from(stripped!).includes('Exif')).toBe(false);
    // A JPEG cut before its scan is not walked blindly.
    expect(stripJpegMetadata(jpeg({ lat: 1, long: 1 }).subarray(0, 40))).toBeNull();
  });

  it('strips PNG text and WebP EXIF', () => {
    expect(Buffer.from(stripPngMetadata(png(true))!)).toEqual(png());
    const clean = Buffer.from(stripWebpMetadata(webp(true))!);
    expect(clean).toEqual(webp());
    expect(clean.readUInt32LE(4)).toBe(clean.length - 8);
  });

  it('prepares an upload: type, size cap, point, metadata gone', () => {
    const photo = jpeg({ lat: 35.7, long: 51.4 });
    const ok = preparePhoto(photo, 1_000_000);
    expect(ok).toMatchObject({ ok: true, type: 'image/jpeg', point: { lat: expect.closeTo(35.7, 5), long: expect.closeTo(51.4, 5) } });
    expect(ok.ok && Buffer.from(ok.data).includes('taken at home')).toBe(false);
    expect(preparePhoto(photo, photo.length - 1)).toEqual({ ok: false, reason: 'too_large' });
    expect(preparePhoto(Buffer.from('%PDF-1.4'), 1_000_000)).toEqual({ ok: false, reason: 'not_an_image' });
  });
});
