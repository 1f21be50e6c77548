import { DEFAULT_ESCALATION_REASONS, type EscalationReason } from './escalation'
import { DEFAULT_SLA_POLICY, type SlaPolicy } from './sla'

/** Workspace-wide settings that rules depend on; changed only by supervisors, through a mutation. */
export interface WorkspaceSettings {
  sla: SlaPolicy
  escalationReasons: EscalationReason[]
}

export const DEFAULT_SETTINGS: WorkspaceSettings = { sla: DEFAULT_SLA_POLICY, escalationReasons: [...DEFAULT_ESCALATION_REASONS] }
