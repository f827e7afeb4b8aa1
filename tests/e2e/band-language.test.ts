/**
 * One band language (issue 28, item 4): the overall score is placed on the continuum's three
 * bands; each construct is marked only against the minimum Belonging asks of every construct
 * (docs/scoring.md §4), the same on the practice dashboard, the round page and the PCN dashboard.
 * Each page states the minimum once, in its key; the test reads it there and works out every
 * expected mark itself from the score the page shows.
 */
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../../src/lib/server/db';
import { accessibilityProblems, describeViolations, launchChromium, signIn, SCREENSHOTS } from './browser';

const BAND_NAMES = ['Bolted on', 'Fitting in', 'Belonging'];

let browser: Browser;
let places: { pcn: number; practice: number; round: number };

beforeAll(async () => {
	browser = await launchChromium();
	const config = inject('serverDatabase');
	const db = openDatabase(config.databasePath ? { ...config, readOnly: true } : config);
	try {
		const pcn = await db.selectFrom('pcn').select('id').where('ods_code', '=', 'U99001').executeTakeFirstOrThrow();
		const practice = await db.selectFrom('practice').select('id').where('name', '=', 'Riverside Surgery').executeTakeFirstOrThrow();
		const round = await db
			.selectFrom('round')
			.select('id')
			.where('practice_id', '=', practice.id)
			.where('status', '=', 'closed')
			.orderBy('closes_on', 'desc')
			.executeTakeFirstOrThrow();
		places = { pcn: pcn.id, practice: practice.id, round: round.id };
	} finally {
		await db.destroy();
	}
});
afterAll(async () => {
	await browser?.close();
});

async function open(path: string, width: number): Promise<Page> {
	const page = await browser.newPage({ viewport: { width, height: 900 }, reducedMotion: 'reduce' });
	await signIn(page, inject('baseUrl'), 'pcn.lead@demo.belonging.example');
	await page.goto(`${inject('baseUrl')}${path}`);
	await page.locator('main h1').waitFor();
	return page;
}

/** The key, once on the page, and the minimum it states. */
async function statedMinimum(page: Page): Promise<number> {
	const keys = page.locator('.construct-rule');
	expect(await keys.count()).toBe(1);
	const text = await keys.innerText();
	const match = /against the (\d+(?:\.\d+)?) that Belonging asks of every part/.exec(text);
	expect(match, text).not.toBeNull();
	return Number(match![1]);
}

/**
 * The mark a shown score should carry. Scores are shown to one decimal; with the built-in
 * minimum of 6.25 rounding cannot carry a score across it (6.249 shows as 6.2, 6.25 as 6.3), so
 * the shown value decides.
 */
function expectedMark(shown: number, minimum: number): string {
	return shown >= minimum ? `Meets ${minimum}` : `Below ${minimum}`;
}

/** Each row's shown score and mark in a table with a score column and a `data-standing` cell. */
async function marksInTable(table: Locator): Promise<{ score: string; mark: string; standing: string }[]> {
	return table.locator('tbody tr').evaluateAll((rows) =>
		rows.map((row) => {
			const cell = row.querySelector('[data-standing]')!;
			return {
				score: row.querySelector('td.number')?.textContent?.trim() ?? '',
				mark: (cell.textContent ?? '').replace(/\s+/g, ' ').trim(),
				standing: cell.getAttribute('data-standing') ?? ''
			};
		})
	);
}

function checkMarks(rows: { score: string; mark: string; standing: string }[], minimum: number): number {
	let checked = 0;
	for (const row of rows) {
		const shown = Number(row.score);
		if (row.score === '' || Number.isNaN(shown)) {
			expect(row.standing).toBe('none');
			continue;
		}
		expect(row.mark, `a part at ${row.score}`).toContain(expectedMark(shown, minimum));
		expect(row.standing).toBe(shown >= minimum ? 'meets' : 'below');
		checked++;
	}
	return checked;
}

/** The band names a canvas chart wrote right of its plot, as its plugin recorded them. */
async function bandNamesOf(chart: Locator) {
	const recorded = await chart.getAttribute('data-band-names');
	expect(recorded).not.toBeNull();
	return JSON.parse(recorded!) as { plotRight: number; width: number; names: { name: string; left: number; right: number }[] };
}

/**
 * Every band name an SVG continuum draws (the placement band, the PCN's strip): each must sit
 * whole inside its own zone, neither cut off by the drawing's edge nor spilling into the next band.
 */
async function checkSvgBandNames(page: Page): Promise<number> {
	const names = await page.locator('svg text.zone-name').evaluateAll((texts) =>
		texts.map((text) => {
			const band = [...text.classList].find((c) => c !== 'zone-name')!;
			const zone = text.closest('svg')!.querySelector(`rect.zone.${band}`)!.getBoundingClientRect();
			const drawn = text.getBoundingClientRect();
			const svg = text.closest('svg')!.getBoundingClientRect();
			return { text: text.textContent, left: drawn.left, right: drawn.right, zoneLeft: zone.left, zoneRight: zone.right, svgRight: svg.right };
		})
	);
	for (const name of names) {
		expect(BAND_NAMES, `${name.text}`).toContain(name.text);
		expect(name.left, `${name.text} starts inside its zone`).toBeGreaterThanOrEqual(name.zoneLeft);
		expect(name.right, `${name.text} ends inside its zone`).toBeLessThanOrEqual(name.zoneRight);
		expect(name.right).toBeLessThanOrEqual(name.svgRight);
	}
	return names.length;
}

async function noSidewaysScrollAndAxe(page: Page) {
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(page.viewportSize()!.width);
	expect(describeViolations(await accessibilityProblems(page))).toEqual([]);
}

describe('one band language', () => {
	it('marks each part of the practice dashboard against the minimum it states once, and names the bands whole beside the trend', async () => {
		for (const width of [1280, 360]) {
			const page = await open(`/practices/${places.practice}`, width);
			const minimum = await statedMinimum(page);
			expect(minimum).toBe(6.25);
			const table = page.getByRole('table', { name: 'Construct scores by round' });
			// Four parts in the latest round, and in the one before it.
			expect(checkMarks(await marksInTable(table), minimum)).toBe(8);

			// The trend chart (the one chart here drawn on the bands): its band names: all three, whole, right of the plot and inside the canvas.
			await page.waitForFunction(() => document.querySelector('canvas[data-band-names]'));
			const drawn = await bandNamesOf(page.locator('canvas[data-band-names]').first());
			expect(drawn.names.map((n) => n.name)).toEqual(BAND_NAMES);
			for (const name of drawn.names) {
				expect(name.left).toBeGreaterThan(drawn.plotRight);
				expect(name.right).toBeLessThanOrEqual(drawn.width);
			}

			expect(await checkSvgBandNames(page)).toBe(3);

			// The four parts' chart draws the minimum as a dashed line, its words whole right of the plot.
			const line = JSON.parse((await page.locator('canvas[data-reference-line]').first().getAttribute('data-reference-line'))!);
			expect(line.text).toBe(`Each part needs ${minimum}`);
			expect(line.right).toBeLessThanOrEqual(line.width);

			await noSidewaysScrollAndAxe(page);
			if (width === 1280) {
				const section = page.locator('section[aria-labelledby="profile"]');
				await section.scrollIntoViewIfNeeded();
				await section.screenshot({ path: join(SCREENSHOTS, 'construct-standing.png') });
			}
			await page.close();
		}
	});

	it('marks each part of the round page the same way', async () => {
		for (const width of [1280, 360]) {
			const page = await open(`/rounds/${places.round}`, width);
			const minimum = await statedMinimum(page);
			const table = page.getByRole('table', { name: 'Construct scores' });
			expect(checkMarks(await marksInTable(table), minimum)).toBe(4);
			expect(await checkSvgBandNames(page)).toBe(3);
			await noSidewaysScrollAndAxe(page);
			await page.close();
		}
	});

	it('marks each part in the PCN heatmap the same way, and counts the same gaps', async () => {
		for (const width of [1280, 360]) {
			const page = await open(`/pcns/${places.pcn}`, width);
			const minimum = await statedMinimum(page);
			const heatmap = page.getByRole('table', { name: /^Scores by practice/ });
			const cells = await heatmap.locator('td.cell').evaluateAll((tds) =>
				tds.map((td) => ({
					column: (td as HTMLTableCellElement).cellIndex,
					score: td.querySelector('.score')?.textContent?.trim() ?? '',
					mark: (td.querySelector('.band')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
					standing: td.getAttribute('data-standing'),
					classes: td.className
				}))
			);
			const headings = await heatmap.locator('thead th').evaluateAll((ths) => ths.map((th) => (th.textContent ?? '').trim()));
			const overallColumn = headings.findIndex((h) => h.startsWith('Overall'));
			let checked = 0;
			const below = new Map<string, number>();
			for (const cell of cells) {
				if (cell.column === overallColumn) {
					// The overall score keeps its band, and only it.
					expect(cell.standing).toBeNull();
					expect(cell.mark).toMatch(/^(Bolted on|Fitting in|Belonging)/);
					continue;
				}
				const shown = Number(cell.score);
				expect(cell.mark, `a part at ${cell.score}`).toContain(expectedMark(shown, minimum));
				expect(cell.classes).not.toMatch(/bolted_on|fitting_in|belonging/);
				if (shown < minimum) {
					const construct = headings[cell.column]!.replace(/\s*\(sorted.*$/, '').replace(/:.*$/, '');
					below.set(construct, (below.get(construct) ?? 0) + 1);
				}
				checked++;
			}
			// The five demo practices, four parts each, less any withheld.
			expect(checked).toBeGreaterThan(0);

			// "Most common gaps" counts the practices the heatmap marks below, part by part.
			const gaps = await page.locator('ol.gaps > li').evaluateAll((items) =>
				items.map((li) => ({ name: li.querySelector('h3')?.textContent?.trim() ?? '', text: li.textContent ?? '' }))
			);
			for (const gap of gaps) {
				const count = new RegExp(`Below ${minimum} in (\\d+) of`).exec(gap.text);
				expect(count, gap.text).not.toBeNull();
				expect(Number(count![1]), gap.name).toBe(below.get(gap.name) ?? 0);
			}
			expect([...below.keys()].sort()).toEqual(gaps.filter((g) => /in [1-9]\d* of/.test(g.text)).map((g) => g.name).sort());

			// The continuum strip names each band whole inside it.
			expect(await checkSvgBandNames(page)).toBe(3);

			// The small charts name the bands whole, right of each plot.
			const small = page.locator('canvas[data-band-names]');
			await page.waitForFunction(() => document.querySelector('canvas[data-band-names]'));
			for (let i = 0; i < (await small.count()); i++) {
				const drawn = await bandNamesOf(small.nth(i));
				expect(drawn.names.map((n) => n.name)).toEqual(BAND_NAMES);
				for (const name of drawn.names) expect(name.right).toBeLessThanOrEqual(drawn.width);
			}

			await noSidewaysScrollAndAxe(page);
			if (width === 1280) {
				await heatmap.scrollIntoViewIfNeeded();
				await page.locator('section[aria-labelledby="heatmap"]').screenshot({ path: join(SCREENSHOTS, 'pcn-heatmap.png') });
			}
			await page.close();
		}
	});
});
