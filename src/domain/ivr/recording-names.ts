/**
 * Names of the recordings Asterisk stores for the IVR: the ARI session records under
 * them and the services find a call's takes by them, so both read them from here.
 */

/** Asterisk's name for every voicebox take of one call starts with this. */
export function voiceboxRecordingPrefix(channelId: string): string {
  return `hotline-voicebox-${recordingSafeName(channelId)}-`;
}

/** Only characters that are safe in a file name under Asterisk's recording folder. */
export function recordingSafeName(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]/g, '_');
}
