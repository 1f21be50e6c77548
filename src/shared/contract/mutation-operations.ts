import { MUTATION_NAMES, mutations, type MutationName, type Mutations } from '../mutations'
import { operation, result, type Operation } from './operation'

/** A mutation answers with what its decide() returned, plus the id it was recorded under. */
export type MutationResult<K extends MutationName> = Extract<ReturnType<Mutations[K]['decide']>, { ok: true }>['result'] & { mutationId: string }

export type MutationOperations = { [K in MutationName]: Operation<Mutations[K]['args'], MutationResult<K>, false> }

/**
 * Every mutation of shared/mutations is an operation, with its own schema and the result of its
 * decide(): nothing to list here when a mutation is added.
 */
export const mutationOperations = Object.fromEntries(
  MUTATION_NAMES.map((name) => [name, operation({ args: mutations[name].args, result: result() })])
) as MutationOperations
