// @ts-check
/*
 * The staff survey's only script. The page is a plain form that works without it; this adds
 * what helps on a phone and nothing the form depends on:
 * - "You have answered 5 of 25 questions", kept up to date, and "5 of 25 answered" in each part's
 *   heading, which stays at the top of the screen (a CSS counter cannot see into the questions:
 *   content-visibility contains them);
 * - "Clear my answer" under a question once something is chosen (radio buttons cannot be
 *   unticked otherwise), added to the question then: without this script it could do nothing;
 * - how many characters are left in the comment;
 * - focus on the error summary when the page comes back with a problem, so it is heard first;
 * - "Sending…" on the button while the answers are on their way, so nobody sends twice.
 * At load it only reads which answers are already chosen (a page sent back with a problem keeps
 * them) and fills the count, so the page shows as soon as its HTML and stylesheet are in: one
 * listener on the form handles every question, and what a question needs is done when someone
 * answers it.
 */
(() => {
	const found = document.querySelector('form[data-survey]');
	if (!(found instanceof HTMLFormElement)) return;
	const form = found;

	/** Names of the questions the count covers: those starting with one of the page's prefixes. */
	const prefixes = (form.dataset.counted ?? '').split(' ').filter(Boolean);
	/** @param {string} name */
	const isCounted = (name) => prefixes.some((p) => name.startsWith(p));

	/** How many questions the count covers, as the page says: the statements and the ratings. */
	const questions = Number(form.dataset.questions);

	const progress = form.querySelector('[data-progress]');
	/** The count in each part's heading: hidden from screen readers, which hear the sentence by the button. */
	const marks = [...form.querySelectorAll('[data-answered]')];
	function showProgress() {
		if (!(progress instanceof HTMLElement)) return;
		const chosen = [...form.querySelectorAll('input[type="radio"]:checked')].map((r) => /** @type {HTMLInputElement} */ (r).name);
		const answered = chosen.filter(isCounted).length;
		progress.textContent = `You have answered ${answered} of ${questions} questions. You can send your answers at any point.`;
		progress.hidden = false;
		for (const mark of marks) {
			if (!(mark instanceof HTMLElement)) continue;
			mark.textContent = `${answered} of ${questions} answered`;
			mark.hidden = false;
		}
	}

	/**
	 * The question's "Clear my answer" button, added the first time it is wanted.
	 * @param {HTMLFieldSetElement} question
	 */
	function clearButton(question) {
		const existing = question.querySelector(':scope > button[data-clear]');
		if (existing instanceof HTMLButtonElement) return existing;
		const button = document.createElement('button');
		button.type = 'button';
		button.className = 'link-button';
		button.dataset.clear = '';
		button.textContent = 'Clear my answer';
		const number = question.dataset.number;
		if (number) {
			const which = document.createElement('span');
			which.className = 'visually-hidden';
			which.textContent = ` to question ${number}`;
			button.append(which);
		}
		question.append(button);
		return button;
	}

	/** @param {HTMLInputElement} radio */
	function showClear(radio) {
		const question = radio.closest('fieldset');
		if (question && isCounted(radio.name)) clearButton(question).hidden = !radio.checked;
	}

	form.addEventListener('change', (event) => {
		const target = event.target;
		if (target instanceof HTMLInputElement && target.type === 'radio') {
			showClear(target);
			showProgress();
		}
	});

	form.addEventListener('click', (event) => {
		const button = event.target instanceof Element ? event.target.closest('button[data-clear]') : null;
		const question = button?.closest('fieldset');
		if (!(button instanceof HTMLButtonElement) || !question) return;
		const options = /** @type {HTMLInputElement[]} */ ([...question.querySelectorAll('input[type="radio"]')]);
		for (const option of options) option.checked = false;
		button.hidden = true;
		showProgress();
		// Back to the question, so keyboard users are not left on a button that has gone.
		options[0]?.focus();
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

	// A page sent back with a problem keeps the answers chosen: each of those can be cleared.
	for (const chosen of form.querySelectorAll('input[type="radio"]:checked')) {
		if (chosen instanceof HTMLInputElement) showClear(chosen);
	}

	const summary = document.querySelector('.error-summary');
	if (summary instanceof HTMLElement) summary.focus();

	showProgress();
})();
