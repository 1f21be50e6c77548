import { useState } from 'react'
import { CATEGORY_LABEL, ITEM_KINDS, KIND_LABEL, categoriesOf, type Category, type ItemKind } from '../../../../shared/domain/vocabulary'
import { SelectField } from '../../components/fields'

/** A kind and a category that always belongs to it: changing the kind picks its first category if needed. */
export function useKindAndCategory(initial: ItemKind = 'service') {
  const [kind, setKind] = useState<ItemKind>(initial)
  const [category, setCategory] = useState<Category>(categoriesOf(initial)[0]!)
  const changeKind = (next: ItemKind) => {
    setKind(next)
    if (!categoriesOf(next).includes(category)) setCategory(categoriesOf(next)[0]!)
  }
  return { kind, category, changeKind, setCategory }
}

/** The "Kind" and "Category" selects of the item dialogs. */
export function KindAndCategoryFields({ state, errors }: { state: ReturnType<typeof useKindAndCategory>; errors: { kind?: string | undefined; category?: string | undefined } }) {
  return (
    <>
      <SelectField label="Kind" error={errors.kind} value={state.kind} options={ITEM_KINDS} labels={KIND_LABEL} onChange={state.changeKind} />
      <SelectField label="Category" error={errors.category} value={state.category} options={categoriesOf(state.kind)} labels={CATEGORY_LABEL} onChange={state.setCategory} />
    </>
  )
}
