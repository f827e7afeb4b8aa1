/**
 * Issue 28, item 7: the staff survey as a respondent answers it on a phone between patients. Every
 * answer is a 44 px target, the 0–10 scale takes two rows, and each part's heading stays at the
 * top of the screen as a compact progress bar: the part without JavaScript, the count of answers
 * with it. Focus never hides under that bar.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessibilityProblems, describeViolations, launchChromium, SCREENSHOTS } from './browser';
import { responsesFor } from './database';

const PHONE = { width: 360, height: 640 };
const DESKTOP = { width: 1280, height: 800 };
/** The built-in staff survey: 22 statements in four parts (5, 5, 7 and 5), then 3 ratings from 0 to 10. */
const QUESTIONS = 22 + 3;
let browser: Browser;

beforeAll(async () => {
	browser = await launchChromium();
});
afterAll(async () => {
	await browser?.close();
});

async function openSurvey(viewport: { width: number; height: number }, javaScriptEnabled = true): Promise<Page> {
	const context = await browser.newContext({ viewport, javaScriptEnabled });
	const page = await context.newPage();
	await page.goto(`${inject('baseUrl')}/s/demo`);
	return page;
}

const question = (page: Page, number: number) => page.getByRole('group', { name: new RegExp(`^${number}\\. `) });

/** Five answers, by hand: two in part 1, one each in parts 2 and 3, and one rating in part 5. */
async function answerFive(page: Page) {
	await question(page, 1).getByRole('radio', { name: 'Agree', exact: true }).check();
	await question(page, 4).getByRole('radio', { name: 'Strongly disagree' }).check();
	await question(page, 7).getByRole('radio', { name: 'Not relevant at this stage' }).check();
	await question(page, 12).getByRole('radio', { name: 'Neither agree nor disagree' }).check();
	await question(page, 24).getByRole('radio', { name: '3', exact: true }).check();
	// Not counted: the group someone is in is not one of the questions.
	await page.getByRole('radio', { name: 'Clinical' }).check();
}

/** The part heading drawn at the top of the screen, if any: what a person sees there. */
function barAtTop(page: Page) {
	return page.evaluate(() => {
		const heading = document.elementFromPoint(window.innerWidth / 2, 8)?.closest('h2');
		if (!heading) return null;
		const rect = heading.getBoundingClientRect();
		const answered = heading.querySelector<HTMLElement>('[data-answered]');
		return {
			part: heading.querySelector('.part')?.textContent?.trim(),
			name: heading.querySelector('.part-name')?.textContent?.trim(),
			answered: answered && !answered.hidden ? answered.textContent : null,
			top: rect.top,
			bottom: rect.bottom,
			height: rect.height
		};
	});
}

/** Scrolls so the middle of the survey form is at the middle of the screen. */
async function scrollToMiddleOfForm(page: Page) {
	await page.evaluate(() => {
		const form = document.querySelector('form[data-survey]')!.getBoundingClientRect();
		window.scrollTo(0, window.scrollY + form.top + form.height / 2 - window.innerHeight / 2);
	});
}

/** The form's targets (answers, buttons, links, fields) narrower or shorter than 44 px, as "what: width × height". */
function smallTargets(page: Page) {
	return page.evaluate(() =>
		[...document.querySelectorAll('form[data-survey] :is(label, button, a, input[type="text"], textarea)')]
			.filter((target) => target.getClientRects().length > 0)
			.map((target) => ({ target, rect: target.getBoundingClientRect() }))
			.filter(({ rect }) => rect.width < 44 || rect.height < 44)
			.map(({ target, rect }) => `${target.textContent?.trim() || target.tagName}: ${Math.round(rect.width)} × ${Math.round(rect.height)}`)
	);
}

describe('the staff survey on a 360 × 640 phone', () => {
	it('has no answer, button or field under 44 × 44 px, on a phone and on a desktop', async () => {
		for (const viewport of [PHONE, DESKTOP]) {
			const page = await openSurvey(viewport);
			// With an answer chosen the script adds "Clear my answer", a target too.
			await answerFive(page);
			await question(page, 4).getByRole('button', { name: 'Clear my answer to question 4' }).waitFor();
			const targets = await page.locator('form[data-survey] :is(label, button, a, input[type="text"], textarea)').count();
			// 22 statements × 8 answers, 3 ratings × 11, 5 groups, the comment, the send button and 6 "Clear my answer".
			expect(targets).toBe(22 * 8 + 3 * 11 + 5 + 1 + 1 + 6);
			expect(await smallTargets(page), `at ${viewport.width} px`).toEqual([]);
			await page.context().close();
		}
	});

	it('puts the 0–10 scale in two rows on a phone, 0–5 over 6–10, with both ends named, and in one row on a desktop', async () => {
		const page = await openSurvey(PHONE);
		const rating = question(page, 23);
		await rating.scrollIntoViewIfNeeded();
		const tops = async () =>
			Object.fromEntries(
				await Promise.all(
					['0', '5', '6', '10'].map(async (n) => [n, Math.round((await rating.getByRole('radio', { name: n, exact: true }).locator('..').boundingBox())!.y)])
				)
			) as Record<string, number>;
		const phone = await tops();
		expect(phone['5']).toBe(phone['0']);
		expect(phone['6']).toBe(phone['10']);
		expect(phone['10']! - phone['0']!).toBeGreaterThanOrEqual(44);
		// Polled: a question is laid out only near the screen (content-visibility), and until the frame
		// after the scroll its text reads as empty; on a busy machine that frame can come late.
		await expect.poll(() => rating.locator('.ends').innerText()).toMatch(/^0 = Still feels new\s+10 = Feels completely familiar$/);
		// For the README: the scale as a phone shows it, 7 chosen, under its part's bar.
		await rating.getByRole('radio', { name: '7', exact: true }).check();
		await rating.evaluate((fieldset) => window.scrollBy(0, fieldset.getBoundingClientRect().top - 56));
		await page.mouse.move(0, 0);
		await page.screenshot({ path: join(SCREENSHOTS, 'survey-phone-rating.png') });

		await page.setViewportSize(DESKTOP);
		const desktop = await tops();
		expect(desktop['10']).toBe(desktop['0']);
		await page.context().close();
	});

	it('keeps a bar at the top mid-survey that names the part and counts the answers, without saying each one aloud', async () => {
		const page = await openSurvey(PHONE);
		const questions = await page.locator('form[data-survey] fieldset[data-number]').count();
		expect(questions).toBe(QUESTIONS);
		await answerFive(page);

		await scrollToMiddleOfForm(page);
		const bar = await barAtTop(page);
		// Half way down the form on a phone is part 3 (statements 11–17, the longest part).
		expect(bar).toMatchObject({ part: 'Part 3 of 5:', name: 'Making it work day to day', answered: `5 of ${questions} answered` });
		expect(bar!.top).toBe(0);
		expect(bar!.height).toBeLessThanOrEqual(48);
		// The part the bar names is the part on the screen below it.
		const below = await page.evaluate((y) => document.elementFromPoint(180, y)?.closest('section')?.getAttribute('aria-labelledby'), bar!.bottom + 40);
		expect(below).toBe('part-3');

		// Clearing an answer counts down in every part's bar; nothing on the page speaks up on its own.
		await question(page, 12).getByRole('button', { name: 'Clear my answer to question 12' }).click();
		expect((await barAtTop(page))?.answered).toBe(`4 of ${questions} answered`);
		expect(await page.locator('[aria-live], [role="status"], [role="alert"], output').count()).toBe(0);

		// Further down, the next part takes over the top of the screen.
		await question(page, 20).evaluate((fieldset) => fieldset.scrollIntoView({ block: 'center' }));
		expect(await barAtTop(page)).toMatchObject({ part: 'Part 4 of 5:', name: 'Learning how it is going', answered: `4 of ${questions} answered` });

		// For the README: a phone half way through, with the bar at the top over an answered statement.
		await question(page, 13).getByRole('radio', { name: 'Agree', exact: true }).check();
		await question(page, 13).evaluate((fieldset) => window.scrollBy(0, fieldset.getBoundingClientRect().top - 56));
		expect((await barAtTop(page))?.answered).toBe(`5 of ${questions} answered`);
		await page.mouse.move(0, 0);
		await page.screenshot({ path: join(SCREENSHOTS, 'survey-phone.png') });
		await page.context().close();
	});

	it('never leaves the focused answer under the bar, tabbing down or back up', async () => {
		const page = await openSurvey(PHONE);
		for (const [from, key] of [
			[13, 'Tab'],
			[15, 'Shift+Tab']
		] as const) {
			// Focus sits on the statement before 14 (or after it) while statement 14's first answer,
			// where Tab (or Shift+Tab) goes in a question with nothing chosen, is scrolled up under the bar.
			await question(page, from).getByRole('radio').first().evaluate((radio: HTMLElement) => radio.focus({ preventScroll: true }));
			const target = question(page, 14).getByRole('radio').first();
			await target.evaluate((radio) => window.scrollBy(0, radio.getBoundingClientRect().top - 10));
			const under = await barAtTop(page);
			expect(under?.part).toBe('Part 3 of 5:');
			expect(await target.evaluate((radio) => radio.getBoundingClientRect().top)).toBeLessThan(under!.bottom);

			await page.keyboard.press(key);
			expect(await target.evaluate((radio) => radio === document.activeElement)).toBe(true);
			const bar = await barAtTop(page);
			const focused = await target.evaluate((radio) => ({ top: radio.getBoundingClientRect().top, label: radio.closest('label')!.getBoundingClientRect().top }));
			expect(focused.top, `${key} to statement 14`).toBeGreaterThanOrEqual(bar!.bottom);
			expect(focused.label, `${key} to statement 14`).toBeGreaterThanOrEqual(bar!.bottom);
		}
		await page.context().close();
	});

	it('with JavaScript off, shows the part at the top without a count, and the answers are sent', async () => {
		const before = await responsesFor('demo');
		const page = await openSurvey(PHONE, false);
		await answerFive(page);
		await scrollToMiddleOfForm(page);
		expect(await barAtTop(page)).toMatchObject({ part: 'Part 3 of 5:', name: 'Making it work day to day', answered: null, top: 0 });
		expect(await page.locator('[data-answered]:visible').count()).toBe(0);
		expect(await page.getByRole('button', { name: /Clear my answer/ }).count()).toBe(0);
		await page.getByRole('button', { name: 'Send my answers' }).click();
		await page.waitForURL('**/s/demo/thanks');
		expect(await responsesFor('demo')).toBe(before + 1);
		await page.context().close();
	});

	it('passes axe-core and HTML_CodeSniffer mid-survey, at 360 and 1280 px, with and without its script', async () => {
		for (const viewport of [PHONE, DESKTOP]) {
			for (const script of [true, false]) {
				// The checkers need JavaScript in the page: without its script (the page's only one) it is the page a browser with JavaScript off shows.
				const context = await browser.newContext({ viewport });
				if (!script) await context.route('**/survey.js', (route) => route.abort());
				const page = await context.newPage();
				await page.goto(`${inject('baseUrl')}/s/demo`);
				await answerFive(page);
				await scrollToMiddleOfForm(page);
				expect(await page.locator('[data-answered]:visible').count()).toBe(script ? 5 : 0);
				expect(describeViolations(await accessibilityProblems(page)), `${viewport.width} px, script ${script ? 'on' : 'off'}`).toEqual([]);
				await page.context().close();
			}
		}
	});
});
