import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Whether an ARI request failed on the way rather than being refused by Asterisk: the
 * connection was reset or refused (Asterisk closes new HTTP sessions beyond its
 * `sessionlimit`, as when a returning engine resumes 100 callers at once), it timed out,
 * or Asterisk answered 5xx. An answer such as 404 or 409 is final and never retried.
 */
export function isTransientAriError(err: unknown): boolean {
  const message = (err as Error)?.message ?? '';
  const code = (err as { code?: string })?.code ?? '';
  return (
    /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN|socket hang up|network|timed? ?out/i.test(`${code} ${message}`) ||
    /\b50[0-4]\b|Internal Server Error|Service Unavailable/i.test(message)
  );
}

/** Asterisk answered that the channel, playback or recording is not there (404): it is over, not failing. */
export function isAriNotFound(err: unknown): boolean {
  return /not found|404/i.test((err as Error)?.message ?? '');
}

/** Pauses between attempts: a caller hears at most ~1.5 s more of the previous prompt. */
export const TRANSIENT_RETRY_DELAYS_MS = [100, 400, 1_000] as const;

/**
 * Runs `request`, repeating it after each delay while it fails transiently. Without
 * this, a refused prompt counts as played: a caller whose prompts all fail in a burst
 * is walked through the menu's retries to the goodbye in a second and hung up.
 */
export async function retryTransient<T>(
  request: () => Promise<T>,
  delaysMs: readonly number[] = TRANSIENT_RETRY_DELAYS_MS,
  wait: (ms: number) => Promise<unknown> = sleep,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await request();
    } catch (err) {
      if (attempt >= delaysMs.length || !isTransientAriError(err)) throw err;
      await wait(delaysMs[attempt]!);
    }
  }
}
