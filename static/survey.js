// @ts-check
/*
 * The staff survey's only script. The page is a plain form that works without it; this adds
 * what helps on a phone and nothing the form depends on:
 * - "You have answered 5 of 25 questions", kept up to date;
 * - "Clear my answer" under a question once something is chosen (radio buttons cannot be
 *   unticked otherwise);
 * - how many characters are left in the comment;
 * - focus on the error summary when the page comes back with a problem, so it is heard first;
 * - "Sending…" on the button while the answers are on their way, so nobody sends twice.
 * Every element it shows is already in the page, hidden; it only shows, hides and fills them.
 */
(() => {
	const found = document.querySelector('form[data-survey]');
	if (!(found instanceof HTMLFormElement)) return;
	const form = found;

	/** Names of the questions the count covers: those starting with one of the page's prefixes. */
	const prefixes = (form.dataset.counted ?? '').split(' ').filter(Boolean);
	const radios = () => /** @type {HTMLInputElement[]} */ ([...form.querySelectorAll('input[type="radio"]')]);
	const counted = [...new Set(radios().map((r) => r.name))].filter((name) => prefixes.some((p) => name.startsWith(p)));

	const progress = form.querySelector('[data-progress]');
	function showProgress() {
		if (!(progress instanceof HTMLElement)) return;
		const chosen = new Set(radios().filter((r) => r.checked).map((r) => r.name));
		const answered = counted.filter((name) => chosen.has(name)).length;
		progress.textContent = `You have answered ${answered} of ${counted.length} questions. You can send your answers at any point.`;
		progress.hidden = false;
	}

	/** @param {string} name */
	function showClear(name) {
		const button = form.querySelector(`button[data-clear="${CSS.escape(name)}"]`);
		if (button instanceof HTMLButtonElement) button.hidden = !radios().some((r) => r.name === name && r.checked);
	}

	for (const button of form.querySelectorAll('button[data-clear]')) {
		if (!(button instanceof HTMLButtonElement)) continue;
		const name = button.dataset.clear ?? '';
		button.addEventListener('click', () => {
			const options = radios().filter((r) => r.name === name);
			for (const option of options) option.checked = false;
			button.hidden = true;
			showProgress();
			// Back to the question, so keyboard users are not left on a button that has gone.
			options[0]?.focus();
		});
		showClear(name);
	}

	form.addEventListener('change', (event) => {
		const target = event.target;
		if (target instanceof HTMLInputElement && target.type === 'radio') {
			showClear(target.name);
			showProgress();
		}
	});

	for (const count of form.querySelectorAll('[data-count-for]')) {
		if (!(count instanceof HTMLElement)) continue;
		const field = document.getElementById(count.dataset.countFor ?? '');
		if (!(field instanceof HTMLTextAreaElement)) continue;
		const update = () => {
			count.textContent = `${field.maxLength - [...field.value].length} characters left`;
			count.hidden = false;
		};
		field.addEventListener('input', update);
		update();
	}

	form.addEventListener('submit', () => {
		const button = form.querySelector('button[type="submit"]');
		if (!(button instanceof HTMLButtonElement)) return;
		// After this task, so the browser has already taken the form's values and started sending.
		setTimeout(() => {
			button.disabled = true;
			button.textContent = 'Sending…';
		});
	});

	const summary = document.querySelector('.error-summary');
	if (summary instanceof HTMLElement) summary.focus();

	showProgress();
})();
