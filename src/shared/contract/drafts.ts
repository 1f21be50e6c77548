import { z } from 'zod'
import { LIMITS, idField } from '../mutations/fields'
import { operation, result } from './operation'

/** The composer's two modes, drafted apart: a reply to the customer, an internal note. */
export const DRAFT_MODES = ['reply', 'note'] as const
export type DraftMode = (typeof DRAFT_MODES)[number]

export interface Draft {
  /** The unsent text as typed ('' when there is none). */
  body: string
  /** When it was last saved; null when there is none. */
  savedAt: string | null
}

const draftKey = { itemId: idField, mode: z.enum(DRAFT_MODES) }

/**
 * The composer's unsent text, kept in the console's database per item, signed-in agent and mode,
 * so a crash or a reload loses nothing typed (issue 13). Local to this console, never synced.
 * The text is kept as typed (not trimmed: the agent is still writing it); sending the reply or
 * the note clears its draft in the same transaction (core/mutation-handlers.ts).
 */
export const draftOperations = {
  'draft.get': operation({ args: z.object(draftKey).strict(), result: result<Draft>() }),
  /** Saves the text; an empty text clears the draft. `saved`: a draft is kept now. */
  'draft.save': operation({ args: z.object({ ...draftKey, body: z.string().max(LIMITS.body) }).strict(), result: result<{ saved: boolean }>() })
}
