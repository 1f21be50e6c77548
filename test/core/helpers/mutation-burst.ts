/**
 * Child process for the atomicity test (run with `node --import tsx`): opens the workspace file
 * given as argv[2] and applies mutations as fast as it can, forever, until it is killed. After
 * every batch it reports how many mutations it has committed so far.
 */
import { createCore } from '../../../src/core/core'

const file = process.argv[2]
if (!file) throw new Error('usage: mutation-burst <file>')
const core = createCore({ file })

const items: string[] = []
const page = core.dispatch('inbox.page', { filter: {}, sort: { column: 'age', direction: 'desc' }, offset: 0, limit: 50 })
if (page.ok) for (const row of (page.value as { rows: { id: string }[] }).rows) items.push(row.id)

let committed = 0
let n = 0
const priorities = ['low', 'normal', 'high', 'urgent'] as const

function one(): void {
  n++
  const itemId = items[n % items.length] ?? ''
  const answer = (() => {
    switch (n % 4) {
      case 0:
        return core.dispatch('item.reply', { itemId, body: `Reply number ${n}: we are on it.` })
      case 1:
        return core.dispatch('item.addNote', { itemId, body: `Note ${n}` })
      case 2:
        return core.dispatch('item.setPriority', { itemId, priority: priorities[n % priorities.length] })
      default: {
        const created = core.dispatch('item.create', {
          kind: 'service',
          category: 'order',
          channel: 'email',
          subject: `Burst order ${n}`,
          body: `Where is order ${n}?`,
          customer: { type: 'new', name: `Burst Customer ${n}` }
        })
        if (created.ok) items.push((created.value as { itemId: string }).itemId)
        return created
      }
    }
  })()
  // "unchanged" priority rejections are fine; anything else is a failure of the test setup.
  if (answer.ok) committed++
  else if (answer.error.rejection !== 'unchanged') throw new Error(JSON.stringify(answer.error))
}

function batch(): void {
  for (let i = 0; i < 25; i++) one()
  process.send?.({ committed })
  setImmediate(batch)
}

process.send?.({ ready: true })
batch()
