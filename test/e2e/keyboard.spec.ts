import { test, expect } from './fixtures'

test('the command palette and single-key shortcuts reach the actions', async ({ page, harness }) => {
  await page.goto(harness.url)
  const rows = page.getByRole('grid', { name: 'Inbox' }).locator('[role="row"][aria-rowindex]')
  await expect(rows.first()).toBeVisible()

  // Ctrl+K opens the palette; typing and Enter runs a command.
  await page.keyboard.press('Control+k')
  const palette = page.getByRole('dialog', { name: 'Command palette' })
  await expect(palette).toBeVisible()
  await palette.getByRole('combobox', { name: 'Type a command' }).fill('New item')
  await page.keyboard.press('Enter')
  await expect(page.getByRole('dialog', { name: 'New item' })).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(page.getByRole('dialog', { name: 'New item' })).toBeHidden()

  // j opens the next item; "/" focuses the search box; Escape leaves it.
  await page.locator('body').press('j')
  await expect(page.getByRole('region', { name: 'Item' }).getByRole('heading', { level: 2 })).toBeVisible()
  await page.locator('body').press('/')
  await expect(page.getByRole('searchbox', { name: 'Search' })).toBeFocused()
})

test('a new item is created for a new customer from the keyboard, and a saved view keeps its filter', async ({ page, harness }) => {
  await page.goto(harness.url)
  await expect(page.getByRole('grid', { name: 'Inbox' }).locator('[role="row"][aria-rowindex]').first()).toBeVisible()
  await page.locator('body').press('c')
  const dialog = page.getByRole('dialog', { name: 'New item' })
  await expect(dialog).toBeVisible()
  await dialog.getByRole('combobox', { name: 'Kind' }).selectOption({ label: 'Support' })
  await dialog.getByRole('combobox', { name: 'Category' }).selectOption({ label: 'Access and login' })
  await dialog.getByRole('combobox', { name: 'Channel' }).selectOption({ label: 'Chat' })
  await dialog.getByRole('radio', { name: 'New customer' }).check()
  await dialog.getByRole('textbox', { name: 'Customer name' }).fill('Tomasz Wielgus')
  const subject = `Cannot sign in after password reset ${Date.now()}`
  await dialog.getByRole('textbox', { name: 'Subject' }).fill(subject)
  await dialog.getByRole('textbox', { name: 'Message' }).fill('The reset link says it expired although I used it at once.')
  await dialog.getByRole('button', { name: 'Create item' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.getByRole('region', { name: 'Item' }).getByRole('heading', { level: 2 })).toHaveText(subject)

  await page.getByRole('combobox', { name: 'Filter by kind' }).selectOption({ label: 'Support' })
  await page.getByRole('button', { name: 'Save view' }).click()
  const save = page.getByRole('dialog', { name: 'Save view' })
  await save.getByRole('textbox', { name: 'View name' }).fill('Support only')
  await save.getByRole('button', { name: 'Save' }).click()
  const views = page.getByRole('navigation', { name: 'Views' })
  await views.getByRole('button', { name: 'All items' }).click()
  await expect(page.getByRole('combobox', { name: 'Filter by kind' })).toHaveValue('')
  await views.getByRole('button', { name: 'Support only' }).click()
  await expect(page.getByRole('combobox', { name: 'Filter by kind' })).toHaveValue('support')
})
