/**
 * CSV cell safety for text: a spreadsheet reads a cell that begins with =, +, -, @, a tab or a
 * carriage return as a formula (CSV/formula injection), so an agent or team named "=HYPERLINK(...)"
 * could run something when a supervisor opens the export. Such a TEXT cell gets a leading single
 * quote, which spreadsheets show as plain text. Numbers never go through here: an NPS of -20 stays
 * -20. Used by both CSV builders (cli report, the supervisor view's export).
 */
const FORMULA_START = /^[=+\-@\t\r]/

export function csvText(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value
}
