/**
 * Reading and validating the forms of signed-in pages. Every action returns the same shape on
 * failure: `fail(status, { values, problems })`, with `problems` naming the field each is about
 * (`form` for the whole form), so ErrorSummary and the field components can show them.
 */
import { error, fail, type ActionFailure } from '@sveltejs/kit';
import type { z } from 'zod';
import type { FieldProblem } from '../../npt/submission';
import { BodyTooLargeError, UnreadableFormError, readFormFields } from './http';
import { refuse, refuseProblems, type Refusal } from './outcome';

/** Ample for any admin form; the CSV import sets its own, larger limit. */
export const DEFAULT_FORM_LIMIT = 32 * 1024;

/** Never sent back to the browser in `values`. */
const SECRET_FIELDS = /password|token|code_hash/i;

export type FormValues = Record<string, string | string[]>;
export type FormFailure<V extends FormValues = FormValues> = ActionFailure<{ values: V; problems: FieldProblem[] }>;

export interface FormOptions {
	limit?: number;
	/** Fields that may repeat (checkbox groups); they arrive as arrays. */
	multiple?: readonly string[];
}

/** A form that could not be read or checked: the refusal, the values to refill it, and the failure to answer with. */
export type FormRefused<V extends FormValues = FormValues> = { ok: false; refusal: Refusal; values: V; failure: FormFailure<V> };
export type FormResult<T> = { ok: true; data: T; values: FormValues } | FormRefused;

function refused<V extends FormValues>(refusal: Refusal, values: V): FormRefused<V> {
	return { ok: false, refusal, values, failure: refusalFailure(refusal, values) };
}

export function formFailure<V extends FormValues = FormValues>(status: number, problems: FieldProblem[], values: V = {} as V): FormFailure<V> {
	return fail(status, { values: echo(values) as V, problems });
}

/** A refusal of the form as a whole ("Nothing was saved"), with the values to refill it. */
export function formRefusal<V extends FormValues = Record<string, string>>(status: number, message: string, values: V = {} as V) {
	return fail(status, { values: echo(values) as V, problems: [{ field: 'form', message }] as FieldProblem[] });
}

export interface RefusalOptions {
	/** How this form names a field the mutation names otherwise, e.g. `{ odsCode: 'icbOdsCode' }`. */
	fields?: Readonly<Record<string, string>>;
	/** More for the page beside values and problems, e.g. which part of the page the form is in. */
	extra?: Readonly<Record<string, unknown>>;
	/**
	 * A 404 means the thing acted on is not there, or not the viewer's to see, and a 410 that it
	 * is there no more (a used link): by default that is the error page, exactly as a visit would
	 * answer. A form that lists such things itself (the API tokens) says so in place instead.
	 */
	notFoundInForm?: boolean;
	/** The event's `setHeaders`, for a refusal that says when to try again (429, 503): see `setRetryAfter`. */
	setHeaders?: SetHeaders;
}

type SetHeaders = (headers: Record<string, string>) => void;

/**
 * Tells the browser when to try again, for a refusal that knows (too many tries, too busy): the
 * one place a page or form sets Retry-After. The refusal's own words already say how long.
 */
export function setRetryAfter(setHeaders: SetHeaders, refusal: { retryAfterSeconds?: number }): void {
	if (refusal.retryAfterSeconds !== undefined) setHeaders({ 'retry-after': String(refusal.retryAfterSeconds) });
}

/**
 * A mutation's refusal as the route answers it: `fail(status, { values, problems })`, or the
 * error page for a 404 or 410. Every action turns its mutation's refusal into a response here.
 */
export function refusalFailure<V extends FormValues = FormValues>(
	refusal: Refusal,
	values: V = {} as V,
	options: RefusalOptions = {}
): FormFailure<V> {
	if (options.setHeaders) setRetryAfter(options.setHeaders, refusal);
	if ((refusal.status === 404 || refusal.status === 410) && !options.notFoundInForm) {
		error(refusal.status, refusal.problems[0]?.message ?? 'We could not find that page.');
	}
	const problems = refusal.problems.map((p) => ({ field: options.fields?.[p.field] ?? p.field, message: p.message }));
	const failure = formFailure(refusal.status, problems, values);
	return options.extra ? (fail(refusal.status, { ...failure.data, ...options.extra }) as FormFailure<V>) : failure;
}

/** What is sent back to refill a form: never a secret, and never `__proto__`, which Kit cannot serialise. */
export function echo(values: FormValues): FormValues {
	return Object.fromEntries(Object.entries(values).filter(([name]) => !SECRET_FIELDS.test(name) && name !== '__proto__'));
}

export type FieldsResult = { ok: true; fields: [string, string][] } | FormRefused<Record<string, string>>;

/** Reads a form's fields, refusing an oversized or unreadable body with the form's failure. */
export async function readFields(
	request: Request,
	limit: number = DEFAULT_FORM_LIMIT,
	tooLarge = 'The form was too large to accept. Nothing was saved.'
): Promise<FieldsResult> {
	try {
		return { ok: true, fields: await readFormFields(request, limit) };
	} catch (cause) {
		if (cause instanceof BodyTooLargeError) return refused(refuse(413, tooLarge), {});
		if (cause instanceof UnreadableFormError) return refused(refuse(400, `${cause.message} Nothing was saved.`), {});
		throw cause;
	}
}

/** Reads the body (refusing oversized or unreadable ones) and checks it against a zod schema. */
export async function readForm<S extends z.ZodType>(
	request: Request,
	schema: S,
	options: FormOptions = {}
): Promise<FormResult<z.output<S>>> {
	const read = await readFields(request, options.limit);
	if (!read.ok) return refused(read.refusal, {});
	// No prototype: a field named `__proto__` is an ordinary (unknown) field, not the object's prototype.
	const values: FormValues = Object.create(null);
	for (const [name, value] of read.fields) {
		if (options.multiple?.includes(name)) values[name] = [...((values[name] as string[] | undefined) ?? []), value];
		else values[name] = value;
	}
	for (const name of options.multiple ?? []) values[name] ??= [];
	const parsed = schema.safeParse(values);
	if (!parsed.success) {
		const problems = parsed.error.issues.map((issue) => ({
			field: issue.path.length ? String(issue.path[0]) : 'form',
			message: issue.message
		}));
		return refused(refuseProblems(400, problems), values);
	}
	return { ok: true, data: parsed.data, values };
}

export { problemFor } from '../../forms';
