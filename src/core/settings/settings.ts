import type { Database } from 'better-sqlite3'
import { DEFAULT_SETTINGS, type WorkspaceSettings } from '../../shared/domain/settings'
import { storedBusinessSchedule } from '../../shared/domain/business-schedule'
import { plucked, prepared } from '../infra/statements'

/**
 * The settings read last, per connection: every mutation's snapshot needs them and they change
 * rarely. Only applyChanges writes the row, and it forgets the cached value when it does (so a
 * rolled-back write is simply read again).
 */
const cache = new WeakMap<Database, WorkspaceSettings>()

/** The workspace settings: the stored row over the defaults (a setting added later keeps its default). */
export function loadSettings(db: Database): WorkspaceSettings {
  const cached = cache.get(db)
  if (cached) return cached
  const json = plucked<[], string>(db, 'SELECT value FROM settings WHERE id = 1').get()
  let settings = DEFAULT_SETTINGS
  if (json !== undefined) {
    const stored = JSON.parse(json) as Partial<WorkspaceSettings>
    settings = {
      sla: { ...DEFAULT_SETTINGS.sla, ...stored.sla },
      escalationReasons: stored.escalationReasons ?? DEFAULT_SETTINGS.escalationReasons,
      businessSchedule: storedBusinessSchedule(stored.businessSchedule)
    }
  }
  cache.set(db, settings)
  return settings
}

/** Writes the settings row (inside the caller's transaction). */
export function storeSettings(db: Database, settings: WorkspaceSettings): void {
  cache.delete(db)
  prepared<[string]>(db, 'INSERT INTO settings (id, value) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET value = excluded.value').run(JSON.stringify(settings))
}
