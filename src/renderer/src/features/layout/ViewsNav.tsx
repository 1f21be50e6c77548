import { shortcutProps } from '../../commands/commands'
import { deleteView, selectView } from '../../state/actions'
import { useInboxViewEdited, useInboxViewId } from '../../state/inbox'
import { useViews } from '../../state/session'
import { openDialog } from '../../state/ui'
import { MyFiguresButton } from '../figures/MyFiguresButton'

/** The left pane: built-in views, then the agent's own, and "Save view". */
export function ViewsNav() {
  const views = useViews()
  const activeId = useInboxViewId()
  const edited = useInboxViewEdited()
  const builtIn = views.filter((v) => v.builtIn)
  const own = views.filter((v) => !v.builtIn)

  const viewButton = (view: (typeof views)[number], n: number | null) => {
    const active = view.id === activeId
    return (
      <button
        type="button"
        className={active ? 'view-button active' : 'view-button'}
        aria-current={active ? 'true' : undefined}
        onClick={() => selectView(view)}
        {...(n !== null ? shortcutProps(`view.${n}`, view.name) : {})}
      >
        <span className="view-name">{view.name}</span>
        {active && edited ? (
          <span className="edited-mark" aria-hidden="true" title="Filters changed since the view was opened">
            •
          </span>
        ) : null}
      </button>
    )
  }

  return (
    <nav aria-label="Views" className="views-nav">
      <div className="brand" aria-hidden="true">
        Handoff
      </div>
      <ul className="view-list">
        {builtIn.map((view, i) => (
          <li key={view.id}>{viewButton(view, i < 5 ? i + 1 : null)}</li>
        ))}
      </ul>
      {own.length > 0 ? (
        <>
          <h2 className="nav-heading">My views</h2>
          <ul className="view-list">
            {own.map((view) => (
              <li key={view.id} className={view.id === activeId ? 'own-view active' : 'own-view'}>
                {viewButton(view, null)}
                <button type="button" className="icon-button delete-view" aria-label={`Delete view ${view.name}`} title={`Delete view ${view.name}`} onClick={() => void deleteView(view)}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <MyFiguresButton />
      <button type="button" className="save-view" onClick={() => openDialog({ type: 'saveView' })} {...shortcutProps('saveView', 'Save view')}>
        Save view
      </button>
    </nav>
  )
}
