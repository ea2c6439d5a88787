/**
 * A fixed pseudo-random sequence (mulberry32), so a failure can be replayed, with the
 * draws the randomised tests make of it.
 */
export function seededRandom(seed: number) {
  let a = seed;
  const rnd = (): number => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    rnd,
    chance: (p: number) => rnd() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!,
    int: (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1)),
  };
}
