import { z } from 'zod'
import type { WorkspaceSettings } from '../domain/settings'
import { businessScheduleField } from '../domain/business-schedule'
import { PRIORITIES } from '../domain/vocabulary'
import { defineMutation, reject, type Decision } from './types'
import { storable } from './fields'

const minutes = z.number().int().min(1, 'A target is at least 1 minute.').max(525_600, 'A target is at most a year.')
const target = z.object({ firstResponseMinutes: minutes, resolutionMinutes: minutes }).strict()
const targets = z.object(Object.fromEntries(PRIORITIES.map((p) => [p, target])) as Record<(typeof PRIORITIES)[number], typeof target>).strict()

export const slaPolicyField = z
  .object({
    service: targets,
    tier1: targets,
    tier2: targets,
    tier3: targets,
    restartOnEscalation: z.boolean(),
    dueSoonMinutes: z.number().int().min(1).max(10_080)
  })
  .strict()

export const reasonsField = z
  .array(
    z
      .object({
        code: z.string().trim().min(1).max(60).regex(/^[a-z0-9-]+$/, 'A reason code is lower-case letters, digits and dashes.'),
        label: storable(z.string().trim().min(1, 'A reason needs a label.').max(120), 'A reason label')
      })
      .strict()
  )
  .min(1, 'Keep at least one reason.')
  .max(50)
  .refine((rs) => new Set(rs.map((r) => r.code)).size === rs.length, 'Two reasons have the same code.')
  .refine((rs) => rs.some((r) => r.code === 'other'), 'Keep the “other” reason (with free text).')

/** SLA targets and policy, the escalation reasons and the business hours (null: off): supervisors only. */
export const settingsUpdate = defineMutation({
  name: 'settings.update',
  args: z.object({ sla: slaPolicyField.optional(), escalationReasons: reasonsField.optional(), businessSchedule: businessScheduleField.nullable().optional() }).strict(),
  needs: (_a, ctx) => ({ agents: [ctx.actorId] }),
  decide(state, args, ctx): Decision<{ settings: WorkspaceSettings }> {
    if (state.agents.get(ctx.actorId)?.role !== 'supervisor') return reject('forbidden', 'Only a supervisor can change SLA targets and escalation reasons.')
    const settings: WorkspaceSettings = {
      sla: args.sla ?? state.settings.sla,
      escalationReasons: args.escalationReasons ?? state.settings.escalationReasons,
      businessSchedule: args.businessSchedule === undefined ? (state.settings.businessSchedule ?? null) : args.businessSchedule
    }
    return { ok: true, changes: [{ op: 'setSettings', settings }], result: { settings } }
  }
})
