import type { Migration } from './migration'

/**
 * Schema version 5: the supervisor view's cache of the server's figures (figures-team.ts).
 * Frozen once released.
 *
 * - team_figures_cache: the latest answer of POST /v1/figures/report per request (`request_key`:
 *   the canonical JSON of from, to, by and filter), as the server's JSON, with when the server
 *   computed it (as_of) and when it arrived (fetched_at). Offline, the console shows the answer
 *   for the same request, or else the latest one for the same cut, filter and period length
 *   (a rolling "last 7 days" asks for a new `to` each time). Kept to the newest few hundred.
 */
const SCHEMA_V5 = `
CREATE TABLE team_figures_cache (
  request_key TEXT PRIMARY KEY,
  cut TEXT NOT NULL,
  filter TEXT NOT NULL,
  span_ms INTEGER NOT NULL,
  as_of TEXT NOT NULL,
  fetched_at TEXT NOT NULL,
  response TEXT NOT NULL CHECK (json_valid(response))
) WITHOUT ROWID;

CREATE INDEX team_figures_cache_latest ON team_figures_cache (cut, filter, span_ms, fetched_at);
CREATE INDEX team_figures_cache_age ON team_figures_cache (fetched_at);
`

export const migration: Migration = {
  version: 5,
  name: 'supervisor view: cache of the server figures',
  up(db) {
    db.exec(SCHEMA_V5)
  }
}
