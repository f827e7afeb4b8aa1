/**
 * Progressive enhancement for a form with a busy state: `use:enhance={pending.enhance}` and
 * `disabled={pending.busy}` on the submit button, so a second click cannot send it twice.
 */
import type { SubmitFunction } from '@sveltejs/kit';

export function pendingForm(options: { reset?: boolean } = {}) {
	let busy = $state(false);
	const enhance: SubmitFunction = () => {
		busy = true;
		return async ({ update }) => {
			await update({ reset: options.reset ?? false });
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
