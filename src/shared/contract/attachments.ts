import { z } from 'zod'
import { idField } from '../mutations/fields'
import { operation, result } from './operation'

/** An attachment saved on this computer: where, under which name, how many bytes. */
export interface SavedAttachment {
  /** The file's absolute path, under the workspace's folder (attachments/<id>/<name>). */
  path: string
  /** The file's name there: the customer's name for it, made safe for the file system. */
  name: string
  size: number
}

/**
 * The files of customers' messages. The pull lists them (ThreadEntry.attachments); their bytes
 * stay on the server until an agent saves one, which needs the server (a bound, signed-in
 * workspace that can reach it) unless it was saved before.
 */
export const attachmentOperations = {
  'attachments.save': operation({ args: z.object({ attachmentId: idField }).strict(), result: result<SavedAttachment>(), async: true })
}
