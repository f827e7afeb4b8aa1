/**
 * The field a confirmation page's form carries (components/ConfirmAction.svelte). An action that
 * cannot be undone requires it, so a post that skipped the confirmation changes nothing.
 */
import { z } from 'zod';

export const NOT_CONFIRMED = 'Nothing was changed: this needs confirming first, on the page that says what will happen.';

/** `{ confirm: <what> }`, refused (400) with NOT_CONFIRMED when the field is missing or names something else. */
export function confirmationSchema(what: string) {
	return z.object({ confirm: z.literal(what, { error: NOT_CONFIRMED }) });
}
