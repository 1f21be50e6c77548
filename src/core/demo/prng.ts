/**
 * A small, fast, seedable pseudo-random generator (sfc32, seeded through splitmix32), so that a
 * seed number always produces the same demo workspace. Not for anything secret.
 */
export interface Rng {
  /** A float in [0, 1). */
  next(): number
  /** An integer in [0, n). */
  int(n: number): number
  /** An integer in [min, max]. */
  between(min: number, max: number): number
  chance(p: number): boolean
  pick<T>(list: readonly T[]): T
  /** One of the keys, with probability proportional to its weight. */
  weighted<T extends string | number>(weights: readonly (readonly [T, number])[]): T
}

export function createRng(seed: number): Rng {
  let s = seed >>> 0
  const splitmix = () => {
    s = (s + 0x9e3779b9) | 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
    return (z ^ (z >>> 16)) >>> 0
  }
  let a = splitmix()
  let b = splitmix()
  let c = splitmix()
  let d = splitmix()
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  for (let i = 0; i < 12; i++) next()
  const int = (n: number) => Math.floor(next() * n)
  return {
    next,
    int,
    between: (min, max) => min + int(max - min + 1),
    chance: (p) => next() < p,
    pick<T>(list: readonly T[]): T {
      const v = list[int(list.length)]
      if (v === undefined) throw new Error('pick from an empty list')
      return v
    },
    weighted<T extends string | number>(weights: readonly (readonly [T, number])[]): T {
      let total = 0
      for (const [, w] of weights) total += w
      let r = next() * total
      for (const [key, w] of weights) {
        r -= w
        if (r < 0) return key
      }
      const last = weights.at(-1)
      if (!last) throw new Error('weighted pick from an empty list')
      return last[0]
    }
  }
}

const HEX = '0123456789abcdef'
const hex = (rng: Rng, n: number) => {
  let out = ''
  for (let i = 0; i < n; i++) out += HEX[rng.int(16)]
  return out
}

/** A valid UUIDv7 for a given instant whose random bits come from `rng` (deterministic ids for seeded rows). */
export function seededUuidV7(ms: number, rng: Rng): string {
  const t = Math.floor(ms).toString(16).padStart(12, '0').slice(-12)
  const variant = HEX[8 + rng.int(4)]
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${hex(rng, 3)}-${variant}${hex(rng, 3)}-${hex(rng, 12)}`
}
