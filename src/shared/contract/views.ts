import type { SavedView } from '../domain/entities'
import { noArgs, operation, result } from './operation'

/** Saved inbox views (saving and deleting one are mutations). */
export const viewOperations = {
  'views.list': operation({ args: noArgs, result: result<SavedView[]>() })
}
