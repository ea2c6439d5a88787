/**
 * Shows a case's photos (web form, Open311, e-mail). Our photo route needs the bearer
 * token, so each is fetched and shown from a blob: URL (revoked when another case opens);
 * a link an Open311 app gave is only offered as a link, never loaded into the page.
 * The page has a `case-photos` block holding a `photo-list` list and a `photo-error` line;
 * `session` keeps the token and the blob URLs shown.
 */
import { $ } from './session.js';

const persian = (n) => String(n).replace(/[0-9]/g, (d) => String.fromCharCode(0x06f0 + Number(d)));

function clear(session) {
  for (const url of session.photoUrls ?? []) URL.revokeObjectURL(url);
  session.photoUrls = [];
  $('photo-list').replaceChildren();
  $('photo-error').textContent = '';
  $('case-photos').hidden = true;
}

async function blobUrl(session, url) {
  const res = await fetch(url, { headers: { authorization: `Bearer ${session.token}` }, cache: 'no-store' });
  if (!res.ok) throw new Error(String(res.status));
  const objectUrl = URL.createObjectURL(await res.blob());
  session.photoUrls.push(objectUrl);
  return objectUrl;
}

/** Lists the photos of the case `trackingNumber`; a case opened meanwhile wins. */
export async function loadPhotos(session, trackingNumber) {
  clear(session);
  session.photosOf = trackingNumber;
  let photos;
  try {
    const res = await fetch(`/api/cases/${encodeURIComponent(trackingNumber)}/photos`, {
      headers: { authorization: `Bearer ${session.token}` },
      cache: 'no-store',
    });
    if (!res.ok) throw new Error(String(res.status));
    photos = await res.json();
  } catch {
    if (session.photosOf !== trackingNumber) return;
    $('case-photos').hidden = false;
    $('photo-error').textContent = 'عکس‌های پرونده بارگیری نشد.';
    return;
  }
  if (session.photosOf !== trackingNumber || photos.length === 0) return;
  $('case-photos').hidden = false;
  let failed = 0;
  for (const [i, p] of photos.entries()) {
    const item = document.createElement('li');
    const label = `عکس ${persian(i + 1)}`;
    if (p.url.startsWith('/api/')) {
      try {
        const src = await blobUrl(session, p.url);
        if (session.photosOf !== trackingNumber) return;
        const link = document.createElement('a');
        link.href = src;
        link.target = '_blank';
        link.rel = 'noopener';
        const img = document.createElement('img');
        img.src = src;
        img.alt = label;
        img.loading = 'lazy';
        link.append(img);
        item.append(link);
      } catch {
        failed++;
        continue;
      }
    } else {
      const link = document.createElement('a');
      link.href = p.url;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      link.textContent = `${label} (پیوند بیرونی)`;
      item.append(link);
    }
    if (p.lat != null && p.long != null) {
      const where = document.createElement('span');
      where.className = 'photo-point number ltr';
      where.textContent = `${p.lat.toFixed(5)}, ${p.long.toFixed(5)}`;
      item.append(where);
    }
    $('photo-list').append(item);
  }
  if (failed > 0) $('photo-error').textContent = `${persian(failed)} عکس بارگیری نشد.`;
}
