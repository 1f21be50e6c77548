import { create } from 'zustand'
import { DEFAULT_SETTINGS, type WorkspaceSettings } from '../../../shared/domain/settings'
import { api } from '../api/client'

/** The workspace settings (SLA policy, escalation reasons): loaded with the workspace, replaced on save. */
export interface SettingsState {
  settings: WorkspaceSettings
  loaded: boolean
}

export const useSettingsStore = create<SettingsState>()(() => ({ settings: DEFAULT_SETTINGS, loaded: false }))

export async function loadSettings(): Promise<WorkspaceSettings> {
  const settings = await api['settings.get']({})
  useSettingsStore.setState({ settings, loaded: true })
  return settings
}

export function setSettings(settings: WorkspaceSettings): void {
  useSettingsStore.setState({ settings, loaded: true })
}

export const useSettings = () => useSettingsStore((s) => s.settings)
export const useDueSoonMinutes = () => useSettingsStore((s) => s.settings.sla.dueSoonMinutes)
