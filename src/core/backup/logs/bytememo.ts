/**
 * A bounded memo keyed by a run of bytes (a message inside a chunk): the analyzer's fast path looks a
 * candidate line's message up here before decoding it, so a message seen before costs a hash and a
 * byte compare, not a string (and its garbage). A bad night repeats a few messages hundreds of
 * thousands of times; messages that are all different (a VixDiskLib warning naming a disk and an
 * error number) miss, and the caller decodes and classifies them as before.
 *
 * No allocation per key: keys are copied into one arena, found through an open-addressing table of
 * typed arrays. Bounded: at most `max` keys, keys of at most `maxKeyBytes` (longer ones are not
 * remembered), at most MAX_PROBES slots looked at per lookup (a hostile log of colliding messages
 * makes misses, not slow lookups); when full it is emptied, as the string memos beside it are.
 */

/** FNV-1a over b[s, e), as a small integer (30 bits). */
export function hashBytes(b: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5;
  for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h & 0x3fffffff;
}

/** Slots a lookup looks at, at most (a table at most half full needs a few). */
const MAX_PROBES = 64;

export class ByteMemo<V> {
  /** Slot → 1 + index of its key (0: empty). Twice `max` slots, a power of two: probes stay short. */
  private readonly table: Int32Array;
  private readonly mask: number;
  private readonly hashes: Int32Array;
  private readonly starts: Int32Array;
  private readonly lengths: Int32Array;
  private readonly values: (V | undefined)[];
  private readonly arena: Uint8Array;
  private used = 0;
  private n = 0;

  constructor(private readonly max = 4096, private readonly maxKeyBytes = 512) {
    let slots = 16;
    while (slots < max * 2) slots *= 2;
    this.table = new Int32Array(slots);
    this.mask = slots - 1;
    this.hashes = new Int32Array(max);
    this.starts = new Int32Array(max);
    this.lengths = new Int32Array(max);
    this.values = new Array<V | undefined>(max).fill(undefined);
    this.arena = new Uint8Array(max * 64);
  }

  get size(): number {
    return this.n;
  }

  /** The value remembered for b[s, e) (its hash `h` from `hashBytes`), or undefined. */
  get(b: Uint8Array, s: number, e: number, h: number): V | undefined {
    const len = e - s;
    const arena = this.arena;
    for (let slot = h & this.mask, probes = 0; probes < MAX_PROBES; slot = (slot + 1) & this.mask, probes++) {
      const k = this.table[slot] - 1;
      if (k < 0) return undefined;
      if (this.hashes[k] !== h || this.lengths[k] !== len) continue;
      const a = this.starts[k];
      let i = 0;
      while (i < len && arena[a + i] === b[s + i]) i++;
      if (i === len) return this.values[k];
    }
    return undefined;
  }

  /** Remembers `value` for b[s, e) (not already here; a copy of the bytes is kept). */
  set(b: Uint8Array, s: number, e: number, h: number, value: V): void {
    const len = e - s;
    if (len > this.maxKeyBytes) return;
    if (this.n >= this.max || this.used + len > this.arena.length) this.clear();
    let slot = h & this.mask;
    for (let probes = 0; this.table[slot] !== 0; probes++) {
      // a run of keys this long means crafted collisions: not remembered (as far as `get` looks)
      if (probes >= MAX_PROBES - 1) return;
      slot = (slot + 1) & this.mask;
    }
    const k = this.n++;
    this.hashes[k] = h;
    this.starts[k] = this.used;
    this.lengths[k] = len;
    this.values[k] = value;
    const arena = this.arena;
    const a = this.used;
    for (let i = 0; i < len; i++) arena[a + i] = b[s + i];
    this.used += len;
    this.table[slot] = k + 1;
  }

  clear(): void {
    this.table.fill(0);
    this.values.fill(undefined);
    this.used = 0;
    this.n = 0;
  }
}
