import { z } from 'zod'
import { idField } from '../mutations/fields'
import { operation, result } from './operation'

/**
 * What the window shows, told by the renderer to the desktop shell: main (src/main/arrivals.ts)
 * answers `ui.showingItem` itself, to leave out the notification of a message on the item the
 * agent is looking at. It goes through the same doors as every operation (its own IPC channel,
 * sender and size checked, its arguments checked by this schema); the core answers it too, with
 * nothing to do, so the harness (no Electron, no notifications) takes it like any other call.
 */
export const uiOperations = {
  'ui.showingItem': operation({ args: z.object({ itemId: idField.nullable() }).strict(), result: result<null>() })
}
