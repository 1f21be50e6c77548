import { test, expect } from './fixtures'

test.use({ harnessOptions: { empty: true } })

const CREDENTIAL = `hf1.agent-1.${'A'.repeat(43)}`

test('connecting to a server that cannot be reached says so next to the address and keeps what was typed', async ({ page, harness }) => {
  await page.goto(harness.url)
  await expect(page.getByRole('heading', { name: 'Welcome to Handoff' })).toBeVisible()
  await page.getByRole('button', { name: 'Connect to a server' }).click()

  const address = page.getByRole('textbox', { name: 'Server address' })
  const credential = page.getByLabel('Credential')
  // Focus starts in the first field.
  await expect(address).toBeFocused()
  await address.fill('http://127.0.0.1:9')
  // Well formed (hf1.<agent>.<43 base64url characters>), so the address is what fails.
  await credential.fill(CREDENTIAL)
  await page.getByRole('button', { name: 'Sign in' }).click()

  // Nothing listens on port 9: an inline error on the address, not a silent failure.
  const error = page.getByRole('alert').filter({ hasText: /reach|unreachable|connect/i })
  await expect(error).toBeVisible({ timeout: 30_000 })
  await expect(address).toHaveAttribute('aria-invalid', 'true')
  // Nothing is lost: both fields keep their values, and the form can be sent again.
  await expect(address).toHaveValue('http://127.0.0.1:9')
  await expect(credential).toHaveValue(CREDENTIAL)
  await expect(credential).toHaveAttribute('type', 'password')
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled()
  // Still on the first-run screen: no workspace was started.
  await expect(page.getByRole('heading', { name: 'Welcome to Handoff' })).toBeVisible()
})
