import type { Database } from 'better-sqlite3'
import { DEFAULT_SETTINGS, type WorkspaceSettings } from '../../shared/domain/settings'
import { prepared } from './statements'

/** The workspace settings: the stored row over the defaults (a setting added later keeps its default). */
export function loadSettings(db: Database): WorkspaceSettings {
  const json = prepared<[], string>(db, 'SELECT value FROM settings WHERE id = 1').pluck().get()
  if (json === undefined) return DEFAULT_SETTINGS
  const stored = JSON.parse(json) as Partial<WorkspaceSettings>
  return { sla: { ...DEFAULT_SETTINGS.sla, ...stored.sla }, escalationReasons: stored.escalationReasons ?? DEFAULT_SETTINGS.escalationReasons }
}
