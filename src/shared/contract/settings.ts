import type { WorkspaceSettings } from '../domain/settings'
import { noArgs, operation, result } from './operation'

/** The workspace's settings (changing them is a mutation). */
export const settingsOperations = {
  'settings.get': operation({ args: noArgs, result: result<WorkspaceSettings>() })
}
