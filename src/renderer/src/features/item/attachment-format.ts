/** How an attachment is described in the thread: its size in words a person reads at a glance. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} kB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

/** "Part of this message could not be read: …", or null when all of it was. */
export function problemsNotice(problems: readonly string[]): string | null {
  if (problems.length === 0) return null
  return `Part of this message could not be read: ${problems.join(' ')}`
}
