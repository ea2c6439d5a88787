/**
 * Per-district share of a dispatch worker's concurrency: a district whose receiver hangs
 * holds at most `perDistrict` of the worker's slots (each until its request times out),
 * so the other districts' deliveries keep going through the remaining ones.
 */
export class DistrictSlots {
  private readonly busy = new Map<number, number>();

  constructor(readonly perDistrict: number) {}

  /** Takes a slot of `district` if one is free; false when it already has its share. */
  tryTake(district: number): boolean {
    const used = this.busy.get(district) ?? 0;
    if (used >= this.perDistrict) return false;
    this.busy.set(district, used + 1);
    return true;
  }

  release(district: number): void {
    const used = this.busy.get(district) ?? 0;
    if (used <= 1) this.busy.delete(district);
    else this.busy.set(district, used - 1);
  }

  inUse(district: number): number {
    return this.busy.get(district) ?? 0;
  }
}
