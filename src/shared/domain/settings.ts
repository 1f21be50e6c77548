import { DEFAULT_ESCALATION_REASONS, type EscalationReason } from './escalation'
import { DEFAULT_SLA_POLICY, type SlaPolicy } from './sla'
import type { BusinessSchedule } from './figures/types'

/** Workspace-wide settings that rules depend on; changed only by supervisors, through a mutation. */
export interface WorkspaceSettings {
  sla: SlaPolicy
  escalationReasons: EscalationReason[]
  /** Working hours for business-hours durations in the figures; null: calendar time only. */
  businessSchedule: BusinessSchedule | null
}

export const DEFAULT_SETTINGS: WorkspaceSettings = { sla: DEFAULT_SLA_POLICY, escalationReasons: [...DEFAULT_ESCALATION_REASONS], businessSchedule: null }
