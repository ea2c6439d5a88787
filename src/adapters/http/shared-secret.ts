import { createHash, timingSafeEqual } from 'node:crypto';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Which of `secrets` a presented value is (its index), or -1. Digests are compared so
 * both sides always have the same length, and every secret is compared so the time taken
 * says nothing about which one matched or how long they are.
 */
export function secretMatcher(secrets: readonly string[]): (presented: string) => number {
  // An empty secret never matches (not even an empty value); indexes stay those of `secrets`.
  const expected = secrets.map((s) => (s.length > 0 ? digest(s) : null));
  return (presented) => {
    const given = digest(presented);
    let found = -1;
    expected.forEach((e, i) => {
      if (e !== null && timingSafeEqual(given, e) && found === -1) found = i;
    });
    return found;
  };
}

/** A short, stable label for a secret (logs, case actors) that does not reveal it. */
export function secretLabel(secret: string): string {
  return digest(secret).toString('hex').slice(0, 8);
}
