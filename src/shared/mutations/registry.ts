import { itemCreate, itemLogContact } from './item-create'
import { itemAddNote, itemAssign, itemRecordRating, itemReply, itemSetPriority, itemSetStatus } from './item-work'
import { viewDelete, viewSave } from './view'
import { itemDeescalate, itemEscalateTier, itemEscalateToSupport, itemHandBack } from './item-handoff'
import { settingsUpdate } from './settings'
import { itemRetryDelivery } from './item-delivery'

/** Every named mutation, by name. The outbox stores these names; the server re-runs the same decide(). */
export const mutations = {
  'item.create': itemCreate,
  'item.logContact': itemLogContact,
  'item.reply': itemReply,
  'item.addNote': itemAddNote,
  'item.setStatus': itemSetStatus,
  'item.setPriority': itemSetPriority,
  'item.assign': itemAssign,
  'item.recordRating': itemRecordRating,
  'view.save': viewSave,
  'view.delete': viewDelete,
  'item.escalateToSupport': itemEscalateToSupport,
  'item.escalateTier': itemEscalateTier,
  'item.handBack': itemHandBack,
  'item.deescalate': itemDeescalate,
  'settings.update': settingsUpdate,
  'item.retryDelivery': itemRetryDelivery
} as const

export type Mutations = typeof mutations
export type MutationName = keyof Mutations
export const MUTATION_NAMES = Object.keys(mutations) as MutationName[]
export const isMutationName = (name: string): name is MutationName => Object.hasOwn(mutations, name)
