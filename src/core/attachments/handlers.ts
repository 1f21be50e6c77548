import type { Handlers } from '../../shared/contract'
import type { HandlerContext } from '../infra/handler-context'
import type { SyncController } from '../sync/controller'
import { saveAttachment } from './save'

/** The files of customers' messages: saved on this computer on demand (from the server). */
export function attachmentHandlers(ctx: HandlerContext, sync: SyncController) {
  return {
    'attachments.save': ({ attachmentId }) => saveAttachment(ctx.db, sync, attachmentId)
  } satisfies Partial<Handlers>
}
