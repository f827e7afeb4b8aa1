/** Form helpers shared by pages and the server. */
import type { FieldProblem } from './npt/submission';

/** The first problem about a field, for showing beside it. */
export function problemFor(problems: readonly FieldProblem[] | undefined, field: string): string | undefined {
	return problems?.find((p) => p.field === field)?.message;
}
