/** The words of ../shared/domain.md as closed unions, with their labels for display. */

export const ITEM_KINDS = ['service', 'support'] as const
export type ItemKind = (typeof ITEM_KINDS)[number]

export const SERVICE_CATEGORIES = ['order', 'return', 'billing', 'onboarding', 'loyalty', 'general', 'complaint'] as const
export const SUPPORT_CATEGORIES = ['troubleshooting', 'setup', 'howto', 'bug', 'access'] as const
export const CATEGORIES = [...SERVICE_CATEGORIES, ...SUPPORT_CATEGORIES] as const
export type ServiceCategory = (typeof SERVICE_CATEGORIES)[number]
export type SupportCategory = (typeof SUPPORT_CATEGORIES)[number]
export type Category = ServiceCategory | SupportCategory

export const CHANNELS = ['phone', 'chat', 'email', 'social', 'sms', 'webform', 'inperson'] as const
export type Channel = (typeof CHANNELS)[number]
/** Channels whose contacts the agent logs by hand (domain.md: phone and in person). */
export const LOGGED_CHANNELS = ['phone', 'inperson'] as const satisfies readonly Channel[]
export type LoggedChannel = (typeof LOGGED_CHANNELS)[number]

export const STATUSES = ['new', 'open', 'pending', 'resolved', 'closed'] as const
export type Status = (typeof STATUSES)[number]
export const ACTIVE_STATUSES = ['new', 'open', 'pending'] as const satisfies readonly Status[]

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const
export type Priority = (typeof PRIORITIES)[number]

export const TIERS = [1, 2, 3] as const
export type Tier = (typeof TIERS)[number]

export const AGENT_ROLES = ['service', 'support', 'supervisor'] as const
export type AgentRole = (typeof AGENT_ROLES)[number]

export const RATING_KINDS = ['csat', 'nps'] as const
export type RatingKind = (typeof RATING_KINDS)[number]

/**
 * What a thread entry is. `contact` is a phone call or walk-in logged by the agent: public.
 * `handoff` is the summary written when an item changes hands: internal, never a response.
 */
export const MESSAGE_KINDS = ['customer', 'reply', 'note', 'contact', 'auto', 'handoff'] as const
export type MessageKind = (typeof MESSAGE_KINDS)[number]

export function categoriesOf(kind: ItemKind): readonly Category[] {
  switch (kind) {
    case 'service':
      return SERVICE_CATEGORIES
    case 'support':
      return SUPPORT_CATEGORIES
  }
}

export function isCategoryOf(kind: ItemKind, category: Category): boolean {
  return categoriesOf(kind).includes(category)
}

export const KIND_LABEL: Record<ItemKind, string> = { service: 'Service', support: 'Support' }
export const CHANNEL_LABEL: Record<Channel, string> = {
  phone: 'Phone',
  chat: 'Chat',
  email: 'Email',
  social: 'Social',
  sms: 'SMS',
  webform: 'Web form',
  inperson: 'In person'
}
export const STATUS_LABEL: Record<Status, string> = {
  new: 'New',
  open: 'Open',
  pending: 'Pending',
  resolved: 'Resolved',
  closed: 'Closed'
}
export const PRIORITY_LABEL: Record<Priority, string> = { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' }
export const CATEGORY_LABEL: Record<Category, string> = {
  order: 'Order help',
  return: 'Returns and refunds',
  billing: 'Billing',
  onboarding: 'Onboarding',
  loyalty: 'Loyalty and rewards',
  general: 'General question',
  complaint: 'Complaint',
  troubleshooting: 'Troubleshooting',
  setup: 'Setup and configuration',
  howto: 'How-to',
  bug: 'Bug',
  access: 'Access and login'
}
export const ROLE_LABEL: Record<AgentRole, string> = { service: 'Service agent', support: 'Support specialist', supervisor: 'Supervisor' }
export const PRIORITY_RANK: Record<Priority, number> = { low: 0, normal: 1, high: 2, urgent: 3 }
