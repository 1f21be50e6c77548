/**
 * The history events the escalation and personal figures read. The exact text of the partial
 * index item_events_figures (migration 002 keeps its own frozen copy): SQLite uses a partial
 * index only for a query that repeats its WHERE expression, so test/core/migrations.test.ts
 * checks the two stay the same.
 */
export const FIGURE_EVENTS = `(type = 'escalated' OR type = 'handed_back' OR type = 'deescalated' OR (type = 'status' AND to_value = 'resolved'))`
