/** The keys that appear in more than one of the objects. */
type SharedKeys<P extends readonly object[], Seen extends PropertyKey = never> = P extends readonly [infer H extends object, ...infer T extends readonly object[]]
  ? (keyof H & Seen) | SharedKeys<T, Seen | keyof H>
  : never

type Merged<P extends readonly object[]> = P extends readonly [infer H extends object, ...infer T extends readonly object[]] ? H & Merged<T> : unknown

/** Passes when no key is shared; otherwise names the shared keys in the type error. */
type NoSharedKeys<P extends readonly object[]> = [SharedKeys<P>] extends [never] ? unknown : { readonly 'defined more than once': SharedKeys<P> }

/**
 * One object from several whose keys must not overlap (groups of operations, maps of handlers):
 * a key in two of them fails the type check, where a spread would silently keep the last one.
 * At runtime too, should a cast hide it.
 */
export function mergeDisjoint<const P extends readonly object[]>(...parts: P & NoSharedKeys<P>): { [K in keyof Merged<P>]: Merged<P>[K] } {
  const merged: Record<string, unknown> = {}
  for (const part of parts as readonly object[]) {
    for (const [key, value] of Object.entries(part)) {
      if (Object.hasOwn(merged, key)) throw new Error(`${key} is defined more than once`)
      merged[key] = value
    }
  }
  return merged as { [K in keyof Merged<P>]: Merged<P>[K] }
}
