/**
 * Plays a case's voice message in the page's player. The recording needs the bearer
 * token, so it is fetched and played from a blob URL (revoked when another case opens).
 * The page has an element `case-recording` holding the `case-audio` player and an
 * `audio-error` line; `session` keeps the token and the blob URL playing.
 */
import { $ } from './session.js';

export async function loadRecording(session, c) {
  if (session.audioUrl) URL.revokeObjectURL(session.audioUrl);
  session.audioUrl = null;
  $('case-audio').removeAttribute('src');
  $('audio-error').textContent = '';
  $('case-recording').hidden = !c.hasRecording;
  if (!c.hasRecording) return;
  try {
    const res = await fetch(c.recordingUrl, { headers: { authorization: `Bearer ${session.token}` }, cache: 'no-store' });
    if (!res.ok) throw new Error(String(res.status));
    session.audioUrl = URL.createObjectURL(await res.blob());
    $('case-audio').src = session.audioUrl;
  } catch {
    $('audio-error').textContent = 'پیام صوتی بارگیری نشد.';
  }
}
