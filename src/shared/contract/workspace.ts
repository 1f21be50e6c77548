import { z } from 'zod'
import type { Agent } from '../domain/entities'
import { emailField, idField, nameField } from '../mutations/fields'
import { noArgs, operation, result } from './operation'

export interface SessionInfo {
  agent: Agent | null
  workspace: { empty: boolean; demo: boolean; itemCount: number }
  outboxPending: number
}

/** This computer's workspace: who is signed in, how an empty one starts, and what waits in its outbox. */
export const workspaceOperations = {
  'session.get': operation({ args: noArgs, result: result<SessionInfo>() }),
  'session.signIn': operation({ args: z.object({ agentId: idField }).strict(), result: result<SessionInfo>() }),
  'workspace.seedDemo': operation({ args: noArgs, result: result<SessionInfo>() }),
  'workspace.startEmpty': operation({ args: z.object({ name: nameField, email: emailField }).strict(), result: result<SessionInfo>() }),
  'outbox.status': operation({ args: noArgs, result: result<{ pending: number }>() })
}
