/**
 * Reading and validating the forms of signed-in pages. Every action returns the same shape on
 * failure: `fail(status, { values, problems })`, with `problems` naming the field each is about
 * (`form` for the whole form), so ErrorSummary and the field components can show them.
 */
import { fail, type ActionFailure } from '@sveltejs/kit';
import type { z } from 'zod';
import type { FieldProblem } from '../../npt/submission';
import { BodyTooLargeError, UnreadableFormError, readFormFields } from './http';
import type { Refusal } from './outcome';

/** Ample for any admin form; the CSV import sets its own, larger limit. */
export const DEFAULT_FORM_LIMIT = 32 * 1024;

/** Never sent back to the browser in `values`. */
const SECRET_FIELDS = /password|token|code_hash/i;

export type FormValues = Record<string, string | string[]>;
export type FormFailure = ActionFailure<{ values: FormValues; problems: FieldProblem[] }>;

export interface FormOptions {
	limit?: number;
	/** Fields that may repeat (checkbox groups); they arrive as arrays. */
	multiple?: readonly string[];
}

export type FormResult<T> = { ok: true; data: T; values: FormValues } | { ok: false; failure: FormFailure };

export function formFailure(status: number, problems: FieldProblem[], values: FormValues = {}): FormFailure {
	return fail(status, { values: echo(values), problems });
}

/** A refusal of the form as a whole ("Nothing was saved"), with the values to refill it. */
export function formRefusal<V extends FormValues = Record<string, string>>(status: number, message: string, values: V = {} as V) {
	return fail(status, { values: echo(values) as V, problems: [{ field: 'form', message }] as FieldProblem[] });
}

/** A mutation's refusal, as the route sends it back: its status and problems, and the values. */
export function refusalFailure(refusal: Refusal, values: FormValues = {}): FormFailure {
	return formFailure(refusal.status, refusal.problems, values);
}

/** What is sent back to refill a form: never a secret, and never `__proto__`, which Kit cannot serialise. */
export function echo(values: FormValues): FormValues {
	return Object.fromEntries(Object.entries(values).filter(([name]) => !SECRET_FIELDS.test(name) && name !== '__proto__'));
}

/** Reads the body (refusing oversized or unreadable ones) and checks it against a zod schema. */
export async function readForm<S extends z.ZodType>(
	request: Request,
	schema: S,
	options: FormOptions = {}
): Promise<FormResult<z.output<S>>> {
	let fields: [string, string][];
	try {
		fields = await readFormFields(request, options.limit ?? DEFAULT_FORM_LIMIT);
	} catch (cause) {
		if (cause instanceof BodyTooLargeError) {
			return { ok: false, failure: formFailure(413, [{ field: 'form', message: 'The form was too large to accept. Nothing was saved.' }]) };
		}
		if (cause instanceof UnreadableFormError) {
			return { ok: false, failure: formFailure(400, [{ field: 'form', message: `${cause.message} Nothing was saved.` }]) };
		}
		throw cause;
	}
	// No prototype: a field named `__proto__` is an ordinary (unknown) field, not the object's prototype.
	const values: FormValues = Object.create(null);
	for (const [name, value] of fields) {
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
		return { ok: false, failure: formFailure(400, problems, values) };
	}
	return { ok: true, data: parsed.data, values };
}

export { problemFor } from '../../forms';
