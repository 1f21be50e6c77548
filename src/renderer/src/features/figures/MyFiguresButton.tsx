import { shortcutProps } from '../../commands/commands'
import { toggleMyFigures, useMyFiguresOpen } from '../../state/figures'

/** The left pane's way in to "My figures" (also the `f` key and the palette). */
export function MyFiguresButton() {
  const open = useMyFiguresOpen()
  return (
    <button type="button" className={open ? 'view-button active my-figures-nav' : 'view-button my-figures-nav'} aria-current={open ? 'page' : undefined} onClick={toggleMyFigures} {...shortcutProps('myFigures', 'My figures')}>
      <span className="view-name">My figures</span>
    </button>
  )
}
