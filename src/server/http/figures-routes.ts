/**
 * POST /v1/figures/report and POST /v1/figures/items (drill-down): the supervisor view's
 * figures, computed by the server over all agents (src/shared/sync/figures-protocol.ts).
 * Supervisors may ask about anyone, by any cut; any other agent only by agent, and gets their
 * own row (or the items behind their own numbers) only: anything else is 403.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { z } from 'zod'
import { figuresItemsRequest, figuresReportRequest, type FiguresItemsResponse, type FiguresReportResponse } from '../../shared/sync/figures-protocol'
import { StoreError, type AgentRecord, type ServerStore } from '../store'
import { figuresDrill, figuresReport } from '../store/figures'

export interface FiguresRouteDeps {
  store: ServerStore
  /** The app's body validation (throws its 400). */
  parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S>
  /** The signed-in agent (throws its 401). */
  agentOf(request: FastifyRequest): AgentRecord
}

const OTHERS = 'Only a supervisor can read other agents’ figures: ask for your own, by agent.'

export function registerFiguresRoutes(app: FastifyInstance, { store, parse, agentOf }: FiguresRouteDeps): void {
  app.post('/v1/figures/report', async (request): Promise<FiguresReportResponse> => {
    const agent = agentOf(request)
    const req = parse(figuresReportRequest, request.body)
    if (agent.role === 'supervisor') return figuresReport(store.sql, req)
    if (req.by !== 'agent') throw new StoreError('forbidden', OTHERS)
    return figuresReport(store.sql, req, { onlyAgent: agent.id })
  })

  app.post('/v1/figures/items', async (request): Promise<FiguresItemsResponse> => {
    const agent = agentOf(request)
    const req = parse(figuresItemsRequest, request.body)
    if (agent.role !== 'supervisor' && (req.by !== 'agent' || req.key !== agent.id)) throw new StoreError('forbidden', OTHERS)
    return figuresDrill(store.sql, req)
  })
}
