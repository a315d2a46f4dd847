// A sorted multiset of (key, id) pairs in chunks of bounded size: O(√n) inserts and deletes, O(log n) seeks and
// rank arithmetic, so list and search pages over a million records never scan.

const MAX_CHUNK = 1024;

interface Chunk<V> {
  keys: number[];
  ids: number[];
  values: V[];
}

export interface Position {
  chunk: number;
  index: number;
}

export class OrderedIndex<V> {
  private chunks: Array<Chunk<V>> = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.chunks = [];
    this.count = 0;
  }

  /** Replaces the content with entries (any order); for seeding large amounts at once. */
  load(entries: Array<{ key: number; id: number; value: V }>): void {
    const all: Array<{ key: number; id: number; value: V }> = [];
    this.forEach((key, id, value) => all.push({ key, id, value }));
    for (const e of entries) all.push(e);
    all.sort((a, b) => a.key - b.key || a.id - b.id);
    this.chunks = [];
    for (let i = 0; i < all.length; i += MAX_CHUNK / 2) {
      const slice = all.slice(i, i + MAX_CHUNK / 2);
      this.chunks.push({
        keys: slice.map((e) => e.key),
        ids: slice.map((e) => e.id),
        values: slice.map((e) => e.value),
      });
    }
    this.count = all.length;
  }

  insert(key: number, id: number, value: V): void {
    if (this.chunks.length === 0) {
      this.chunks.push({ keys: [key], ids: [id], values: [value] });
      this.count = 1;
      return;
    }
    const pos = this.lowerBound(key, id);
    const ci = pos.chunk < this.chunks.length ? pos.chunk : this.chunks.length - 1;
    const chunk = this.chunks[ci] as Chunk<V>;
    const at = pos.chunk < this.chunks.length ? pos.index : chunk.keys.length;
    chunk.keys.splice(at, 0, key);
    chunk.ids.splice(at, 0, id);
    chunk.values.splice(at, 0, value);
    this.count++;
    if (chunk.keys.length > MAX_CHUNK) {
      const half = chunk.keys.length >> 1;
      this.chunks.splice(ci + 1, 0, {
        keys: chunk.keys.splice(half),
        ids: chunk.ids.splice(half),
        values: chunk.values.splice(half),
      });
    }
  }

  remove(key: number, id: number): boolean {
    const pos = this.lowerBound(key, id);
    const chunk = this.chunks[pos.chunk];
    if (!chunk || chunk.keys[pos.index] !== key || chunk.ids[pos.index] !== id) return false;
    chunk.keys.splice(pos.index, 1);
    chunk.ids.splice(pos.index, 1);
    chunk.values.splice(pos.index, 1);
    this.count--;
    if (chunk.keys.length === 0) this.chunks.splice(pos.chunk, 1);
    return true;
  }

  /** First position whose (key, id) >= (key, id). */
  lowerBound(key: number, id: number): Position {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const c = this.chunks[mid] as Chunk<V>;
      const last = c.keys.length - 1;
      if (cmp(c.keys[last] as number, c.ids[last] as number, key, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.chunks.length) return { chunk: lo, index: 0 };
    const c = this.chunks[lo] as Chunk<V>;
    let a = 0;
    let b = c.keys.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (cmp(c.keys[mid] as number, c.ids[mid] as number, key, id) < 0) a = mid + 1;
      else b = mid;
    }
    return { chunk: lo, index: a };
  }

  rank(pos: Position): number {
    let r = 0;
    for (let i = 0; i < pos.chunk && i < this.chunks.length; i++) r += (this.chunks[i] as Chunk<V>).keys.length;
    return r + pos.index;
  }

  /** Position of the entry with the given rank (0-based). */
  positionAt(rank: number): Position {
    let remaining = rank;
    for (let i = 0; i < this.chunks.length; i++) {
      const len = (this.chunks[i] as Chunk<V>).keys.length;
      if (remaining < len) return { chunk: i, index: remaining };
      remaining -= len;
    }
    return { chunk: this.chunks.length, index: 0 };
  }

  /** Iterates from pos in ascending order until fn returns false. */
  scan(pos: Position, fn: (key: number, id: number, value: V) => boolean): void {
    for (let ci = pos.chunk; ci < this.chunks.length; ci++) {
      const c = this.chunks[ci] as Chunk<V>;
      for (let i = ci === pos.chunk ? pos.index : 0; i < c.keys.length; i++) {
        if (!fn(c.keys[i] as number, c.ids[i] as number, c.values[i] as V)) return;
      }
    }
  }

  /** Iterates backwards over the entries strictly before pos until fn returns false. */
  scanBackward(pos: Position, fn: (key: number, id: number, value: V) => boolean): void {
    let ci = pos.chunk;
    let i = pos.index - 1;
    if (ci >= this.chunks.length) {
      ci = this.chunks.length - 1;
      i = ci >= 0 ? (this.chunks[ci] as Chunk<V>).keys.length - 1 : -1;
    }
    while (ci >= 0) {
      const c = this.chunks[ci] as Chunk<V>;
      for (; i >= 0; i--) {
        if (!fn(c.keys[i] as number, c.ids[i] as number, c.values[i] as V)) return;
      }
      ci--;
      if (ci >= 0) i = (this.chunks[ci] as Chunk<V>).keys.length - 1;
    }
  }

  forEach(fn: (key: number, id: number, value: V) => void): void {
    this.scan({ chunk: 0, index: 0 }, (k, id, v) => {
      fn(k, id, v);
      return true;
    });
  }

  end(): Position {
    return { chunk: this.chunks.length, index: 0 };
  }
}

function cmp(k1: number, i1: number, k2: number, i2: number): number {
  return k1 - k2 || i1 - i2;
}
