/**
 * Progressive enhancement for a form with a busy state: `use:enhance={pending.enhance}` and
 * `disabled={pending.busy}` on the submit button, so a second click cannot send it twice.
 * `reset` empties the form after it succeeds; with `afterRedirect` also when the success is a
 * redirect back to the same page (SvelteKit leaves the typed values in place then), so what was
 * just saved is not sitting there ready to be sent again.
 */
import type { SubmitFunction } from '@sveltejs/kit';

export function pendingForm(options: { reset?: boolean; afterRedirect?: boolean } = {}) {
	let busy = $state(false);
	const enhance: SubmitFunction = ({ formElement }) => {
		busy = true;
		return async ({ result, update }) => {
			await update({ reset: options.reset ?? false });
			if (options.reset && options.afterRedirect && result.type === 'redirect') formElement.reset();
			busy = false;
		};
	};
	return {
		get busy() {
			return busy;
		},
		enhance
	};
}
