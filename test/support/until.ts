/** Polls `check` every `everyMs` until it holds; throws "timed out waiting for <what>" after `ms`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, ms: number, everyMs = 25): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}
