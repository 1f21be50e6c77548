import { z } from 'zod'
import type { EscalationFigures } from '../domain/figures/escalations'
import { operation, result } from './operation'
import { personalFiguresArgs, type PersonalFigures } from './personal-figures'
import { teamFiguresArgs, teamItemsArgs, type TeamFigures, type TeamItems } from './team-figures'

const when = z.iso.datetime({ offset: true })

/** The figures panels. */
export const figureOperations = {
  /** Per agent, with their name, over [from, to). */
  'figures.escalations': operation({
    args: z
      .object({ from: when, to: when })
      .strict()
      .refine((a) => Date.parse(a.from) <= Date.parse(a.to), { message: 'The start of the period is after its end.', path: ['from'] }),
    result: result<(EscalationFigures & { agentName: string })[]>()
  }),
  /** The signed-in agent's own figures, from the local store. */
  'figures.personal': operation({ args: personalFiguresArgs, result: result<PersonalFigures>() }),
  /** The server's figures over every agent (supervisors), or the cached answer when it cannot be reached. */
  'figures.team': operation({ args: teamFiguresArgs, result: result<TeamFigures>(), async: true }),
  /** The items behind one number of figures.team (online only). */
  'figures.teamItems': operation({ args: teamItemsArgs, result: result<TeamItems>(), async: true })
}
