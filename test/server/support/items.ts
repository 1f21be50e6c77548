/** item.create arguments for the store tests: a frontline order question, or a support access problem, from a new customer. */
export const newService = (subject = 'Where is my order?') => ({
  kind: 'service',
  category: 'order',
  channel: 'email',
  subject,
  body: 'It has not arrived.',
  customer: { type: 'new', name: 'Cleo Customer' }
})

export const newSupport = (subject = 'Cannot log in') => ({ ...newService(subject), kind: 'support', category: 'access' })
