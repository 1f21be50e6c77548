import { create } from 'zustand'
import { customRangeSchema, type PersonalFigures, type PersonalPreset, type PersonalRange } from '../../../shared/contract'
import { isMutationName } from '../../../shared/mutations'
import { api, errorMessage, onCallSuccess } from '../api/client'
import { useInboxStore } from './inbox'
import { useSyncStore } from './sync'

/**
 * The personal figures panel ("My figures"): whether it is showing, the chosen range, and the
 * core's last answer. While it shows, it is asked again after every change this console makes
 * (any mutation, a sign-in) and whenever a pull brought new data (the sync status' dataVersion),
 * so it follows the agent's own work within a moment.
 */
export type RangeChoice = PersonalPreset | 'custom'

export interface FiguresSliceState {
  open: boolean
  choice: RangeChoice
  /** The custom range's two local dates (YYYY-MM-DD), as typed. */
  customFrom: string
  customTo: string
  /** Why the custom range cannot be shown (null: fine, or not chosen). */
  customError: string | null
  data: PersonalFigures | null
  loading: boolean
  error: string | null
}

export const useFiguresStore = create<FiguresSliceState>()(() => ({
  open: false,
  choice: '7d',
  customFrom: '',
  customTo: '',
  customError: null,
  data: null,
  loading: false,
  error: null
}))

const set = useFiguresStore.setState
const get = useFiguresStore.getState

/** How long after a change the panel asks again (changes often come in bursts). */
const REFRESH_DELAY_MS = 120

let seq = 0

/** The range to ask for, or null when the custom one is not valid (with the reason set). */
function currentRange(): PersonalRange | null {
  const s = get()
  if (s.choice !== 'custom') return s.choice
  const parsed = customRangeSchema.safeParse({ from: s.customFrom, to: s.customTo })
  if (!parsed.success) {
    set({ customError: parsed.error.issues[0]?.message ?? 'Enter two dates.' })
    return null
  }
  set({ customError: null })
  return parsed.data
}

export async function loadMyFigures(): Promise<void> {
  const range = currentRange()
  if (range === null) return
  const mine = ++seq
  set({ loading: true })
  try {
    const data = await api['figures.personal']({ range })
    if (mine === seq) set({ data, error: null, loading: false })
  } catch (e) {
    if (mine === seq) set({ error: errorMessage(e), loading: false })
  }
}

let timer: ReturnType<typeof setTimeout> | null = null
function refreshSoon(): void {
  if (!get().open) return
  if (timer !== null) clearTimeout(timer)
  timer = setTimeout(() => {
    timer = null
    if (get().open) void loadMyFigures()
  }, REFRESH_DELAY_MS)
}

export function openMyFigures(): void {
  set({ open: true })
  void loadMyFigures()
}
export function closeMyFigures(): void {
  set({ open: false })
}
export function toggleMyFigures(): void {
  if (get().open) closeMyFigures()
  else openMyFigures()
}

export function chooseRange(choice: RangeChoice): void {
  set({ choice, customError: null })
  if (choice === 'custom') {
    // Start from the range on screen, so the two dates are filled in.
    const d = get().data
    if (get().customFrom === '' && get().customTo === '' && d) set({ customFrom: d.period.firstDay, customTo: d.period.lastDay })
    return
  }
  void loadMyFigures()
}

export function setCustomDates(from: string, to: string): void {
  set({ customFrom: from, customTo: to })
}

/** The "Show" button of the custom range: validated here (the same schema as the core's door), then asked. */
export function applyCustomRange(): void {
  set({ choice: 'custom' })
  void loadMyFigures()
}

// After this console's own changes, and after a pull brought new data.
onCallSuccess((name) => {
  if (isMutationName(name) || name === 'session.signIn' || name === 'sync.signIn') refreshSoon()
})
useSyncStore.subscribe((now, before) => {
  if (now.status?.dataVersion !== before.status?.dataVersion) refreshSoon()
})

// Opening a view or searching (the inbox's query changes) goes back to the inbox.
useInboxStore.subscribe((now, before) => {
  if (now.generation !== before.generation && get().open) closeMyFigures()
})

export const useMyFiguresOpen = () => useFiguresStore((s) => s.open)
