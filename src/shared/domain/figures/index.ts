/** The figures of domain.md: one implementation, fed by the console (SQLite) and the server. */
export * from './types'
export { itemFacts, parseIsoMs, slaLookbackMs, FigureInputError, isResolution, isReopen } from './facts'
export { computeFigures, figureItems, isRelevant, emptyFigureSet, tierKey, NO_AGENT_KEY, NO_TEAM_KEY, AGE_BOUNDS_MS } from './compute'
export { businessDurationMs, BusinessClock, BusinessScheduleError } from './business-hours'
export { medianOfSorted, p90OfSorted, p90Rank, medianAndP90, medianAndP90InPlace, selectKth, pctOf, NumberBuffer } from './stats'
