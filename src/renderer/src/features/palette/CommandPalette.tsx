import { useEffect, useMemo, useRef } from 'react'
import { Command } from 'cmdk'
import { COMMANDS, commandState, commandTitle, displayKey } from '../../commands/commands'
import { discardReturnFocus, restoreFocus, setPaletteOpen } from '../../state/ui'

/** Ctrl/Cmd+K: every command with its shortcut; Enter runs the highlighted one. */
export function CommandPalette() {
  const ref = useRef<HTMLDialogElement>(null)
  // The state the commands are offered in: taken once, when the palette opens.
  const state = useMemo(() => commandState(), [])

  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    if (!dialog.open) dialog.showModal()
    dialog.querySelector<HTMLInputElement>('input')?.focus()
    return () => {
      if (dialog.open) dialog.close()
      restoreFocus()
    }
  }, [])

  const run = (id: string) => {
    const command = COMMANDS.find((c) => c.id === id)
    if (!command || !command.enabled(state)) return
    if (command.id === 'palette' || command.id === 'close' || command.id === 'shortcuts') {
      setPaletteOpen(false)
      return
    }
    // The command decides where focus goes; run it once the palette is gone.
    discardReturnFocus()
    setPaletteOpen(false)
    requestAnimationFrame(() => command.run(commandState()))
  }

  return (
    <dialog
      ref={ref}
      className="palette"
      aria-label="Command palette"
      aria-modal="true"
      onCancel={(e) => {
        e.preventDefault()
        setPaletteOpen(false)
      }}
      onMouseDown={(e) => {
        if (e.target === ref.current) setPaletteOpen(false)
      }}
    >
      <Command label="Type a command" loop>
        <Command.Input aria-label="Type a command" placeholder="Type a command…" />
        <Command.List>
          <Command.Empty>No command matches.</Command.Empty>
          {COMMANDS.map((c) => {
            const title = commandTitle(c, state)
            const enabled = c.enabled(state)
            return (
              <Command.Item key={c.id} value={`${title} ${c.id}`} disabled={!enabled} onSelect={() => run(c.id)}>
                <span className="command-title">{title}</span>
                {c.key ? <kbd className="command-key">{displayKey(c.key)}</kbd> : null}
              </Command.Item>
            )
          })}
        </Command.List>
      </Command>
    </dialog>
  )
}
