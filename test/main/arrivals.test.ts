/**
 * Main's side of a new customer message (src/main/arrivals.ts): whether to notify and with what
 * text, decided without Electron; the notifier is a fake (the OS notification is out of reach).
 */
import { describe, expect, it } from 'vitest'
import { SUBJECT_CHARS, TITLE_CHARS, createArrivals, noticeFor, plainLine, type Arrival, type DesktopNotice } from '../../src/main/arrivals'
import { buildHandler } from '../../src/main/ipc'
import type { HandoffEvent } from '../../src/shared/contract'

const ARRIVAL: Arrival = { itemId: 'i1', messageId: 'm1', subject: 'Parcel never arrived', customerName: 'Ann Smith', preview: 'Where is my parcel?' }
const arrived = (over: Partial<Arrival> = {}): HandoffEvent => ({ name: 'messages.arrived', payload: { ...ARRIVAL, ...over } })

function harness(focused = true) {
  const shown: DesktopNotice[] = []
  const logged: string[] = []
  const state = { focused }
  const arrivals = createArrivals({ windowFocused: () => state.focused, show: (n) => shown.push(n), log: (m) => logged.push(m) })
  return { arrivals, shown, logged, state }
}

describe('noticeFor: whether and what', () => {
  it('the customer’s name as the title, the subject and the preview as the body', () => {
    expect(noticeFor(ARRIVAL, { focused: false, showingItemId: null })).toEqual({ title: 'Ann Smith', body: 'Parcel never arrived\nWhere is my parcel?', itemId: 'i1' })
  })

  it('nothing while the focused window shows that very item; something when it shows another, or is not focused', () => {
    expect(noticeFor(ARRIVAL, { focused: true, showingItemId: 'i1' })).toBeNull()
    expect(noticeFor(ARRIVAL, { focused: true, showingItemId: 'i2' })).not.toBeNull()
    expect(noticeFor(ARRIVAL, { focused: true, showingItemId: null })).not.toBeNull()
    expect(noticeFor(ARRIVAL, { focused: false, showingItemId: 'i1' })).not.toBeNull()
  })

  it('plain text, one line each, cut short: markup stays text, line breaks and control characters go', () => {
    const notice = noticeFor(
      {
        ...ARRIVAL,
        customerName: `<b>Ann</b>\u0007 ${'Smith'.repeat(40)}`,
        subject: `Re:\r\n${'parcel '.repeat(40)}`,
        preview: '<img src=x onerror=alert(1)>\nhello'
      },
      { focused: false, showingItemId: null },
      'darwin'
    )!
    expect(notice.title.startsWith('<b>Ann</b> Smith')).toBe(true)
    expect(Array.from(notice.title)).toHaveLength(TITLE_CHARS)
    expect(notice.title.endsWith('…')).toBe(true)
    const [subject, preview, ...more] = notice.body.split('\n')
    expect(more).toEqual([])
    expect(Array.from(subject!).length).toBeLessThanOrEqual(SUBJECT_CHARS)
    expect(subject!.startsWith('Re: parcel parcel')).toBe(true)
    expect(preview).toBe('<img src=x onerror=alert(1)> hello')
  })

  it('on Linux, where notification servers read the body as markup, the customer’s <, > and & are escaped; the title is plain text there too', () => {
    const arrival = { ...ARRIVAL, customerName: 'Ann <b>&</b>', subject: '<a href="https://evil.example">Your invoice</a>', preview: 'Tom & Jerry <img src=x>' }
    const linux = noticeFor(arrival, { focused: false, showingItemId: null }, 'linux')!
    expect(linux.body).toBe('&lt;a href="https://evil.example"&gt;Your invoice&lt;/a&gt;\nTom &amp; Jerry &lt;img src=x&gt;')
    expect(linux.title).toBe('Ann <b>&</b>')
    expect(noticeFor(arrival, { focused: false, showingItemId: null }, 'win32')!.body).toBe('<a href="https://evil.example">Your invoice</a>\nTom & Jerry <img src=x>')
  })

  it('plainLine never cuts inside a surrogate pair', () => {
    const cut = plainLine('😀'.repeat(10), 5)
    expect(Array.from(cut)).toEqual(['😀', '😀', '😀', '😀', '…'])
  })

  it('a customer without a name still gets a title; an empty preview leaves the subject alone', () => {
    expect(noticeFor({ ...ARRIVAL, customerName: ' \n', preview: '' }, { focused: false, showingItemId: null })).toEqual({ title: 'A customer', body: 'Parcel never arrived', itemId: 'i1' })
  })
})

describe('createArrivals: the events and ui.showingItem', () => {
  it('notifies once per messages.arrived, and not of other events', () => {
    const h = harness(false)
    h.arrivals.onEvent({ name: 'items.changed', payload: { dataVersion: 2 } })
    h.arrivals.onEvent(arrived())
    h.arrivals.onEvent(arrived({ messageId: 'm2', itemId: 'i2' }))
    expect(h.shown.map((n) => n.itemId)).toEqual(['i1', 'i2'])
  })

  it('knows the shown item from ui.showingItem: silent for it while focused, not once the agent moved on or the window lost focus', () => {
    const h = harness(true)
    expect(h.arrivals.showingItem({ itemId: 'i1' })).toEqual({ ok: true, value: null })
    expect(h.arrivals.showingItemId).toBe('i1')
    h.arrivals.onEvent(arrived())
    expect(h.shown).toEqual([])
    h.state.focused = false
    h.arrivals.onEvent(arrived({ messageId: 'm2' }))
    expect(h.shown).toHaveLength(1)
    h.state.focused = true
    h.arrivals.showingItem({ itemId: null })
    h.arrivals.onEvent(arrived({ messageId: 'm3' }))
    expect(h.shown).toHaveLength(2)
  })

  it('ui.showingItem refuses what its schema refuses, and keeps what it knew', () => {
    const h = harness(true)
    h.arrivals.showingItem({ itemId: 'i1' })
    for (const bad of [{ itemId: '' }, { itemId: 7 }, { itemId: 'i2', extra: true }, 'i2', null, { itemId: 'x'.repeat(5000) }]) {
      expect(h.arrivals.showingItem(bad)).toMatchObject({ ok: false, error: { code: 'invalid_argument' } })
    }
    expect(h.arrivals.showingItemId).toBe('i1')
  })

  it('a notifier that throws is logged and does not stop the next one', () => {
    const logged: string[] = []
    let calls = 0
    const arrivals = createArrivals({
      windowFocused: () => false,
      show: () => {
        calls++
        if (calls === 1) throw new Error('no notification daemon')
      },
      log: (m) => logged.push(m)
    })
    arrivals.onEvent(arrived())
    arrivals.onEvent(arrived({ messageId: 'm2' }))
    expect(calls).toBe(2)
    expect(logged).toEqual(['Could not show a desktop notification'])
  })

  it('through the IPC door: ui.showingItem from an untrusted sender never reaches it', async () => {
    const h = harness(true)
    const handler = buildHandler('ui.showingItem', {
      call: (name, args) => Promise.resolve(name === 'ui.showingItem' ? h.arrivals.showingItem(args) : { ok: false, error: { code: 'internal', message: 'core' } }),
      isTrustedSender: (frame) => frame?.url === 'file:///app/index.html'
    })
    const refused = await handler({ senderFrame: { url: 'https://evil.example/' } as never }, { itemId: 'i9' })
    expect(refused).toMatchObject({ ok: false })
    expect(h.arrivals.showingItemId).toBeNull()
    expect(await handler({ senderFrame: { url: 'file:///app/index.html' } as never }, { itemId: 'i9' })).toEqual({ ok: true, value: null })
    expect(h.arrivals.showingItemId).toBe('i9')
  })
})
