/**
 * One way for a mutation to succeed or fail. Every function that changes something returns an
 * `Outcome`: `ok` with what it made, or a `Refusal` with the HTTP status that fits and the
 * problems to show, each naming the form field it is about (`form` for the whole request).
 * Routes turn a refusal into `fail(status, { values, problems })` with `refusalFailure` in forms.ts.
 */
import type { FieldProblem } from '../../npt/submission';

export interface Refusal {
	ok: false;
	status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 429 | 503;
	problems: FieldProblem[];
	/** For 429 and 503: how long to wait before trying again, for the Retry-After header. */
	retryAfterSeconds?: number;
}

/** `R` is the refusal, with anything more a refusal of this mutation carries (e.g. the import's check). */
export type Outcome<T extends object = object, R extends Refusal = Refusal> = ({ ok: true } & T) | R;

export function refuse(status: Refusal['status'], message: string, field = 'form'): Refusal {
	return { ok: false, status, problems: [{ field, message }] };
}

/** Refused for now (429 or 503): try again after `retryAfterSeconds`. */
export function refuseForNow(status: 429 | 503, message: string, retryAfterSeconds: number, field = 'form'): Refusal {
	return { ...refuse(status, message, field), retryAfterSeconds };
}

/** A refusal with several problems, each about its own field (what zod found wrong with a form). */
export function refuseProblems(status: Refusal['status'], problems: FieldProblem[]): Refusal {
	return { ok: false, status, problems };
}
