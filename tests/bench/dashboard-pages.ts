/**
 * What the dashboards are like to open, in real Chromium on the demo: each page's height at
 * 1280 × 1000 (the practice and PCN dashboards) and 360 × 740 (the survey), and the time from
 * navigation until the page is interactive (loaded, and its first chart drawn by its scripts),
 * against the sign-in page (no chart, little script) as the baseline in the same run.
 * Usage: npm run bench:dashboard-pages [-- runs]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, signIn } from '../e2e/browser';
import { median, startServer } from '../helpers/server';

const runs = Number(process.argv[2] ?? 9);
const p95 = (times: number[]) => [...times].sort((a, b) => a - b)[Math.ceil(times.length * 0.95) - 1]!;
const ms = (value: number) => `${value.toFixed(0)} ms`;

const dir = mkdtempSync(join(tmpdir(), 'belonging-bench-'));
const server = await startServer({ DATABASE_PATH: join(dir, 'demo.db'), DEMO: '1' });
const browser = await launchChromium();

/**
 * Navigation start to the moment the page is interactive (checked every animation frame), over
 * `runs` loads: the load event has fired (its module scripts have run) and, with `chart`, its
 * scripts have drawn a chart, which they do only once the page is hydrated.
 */
async function timeToInteractive(page: Page, url: string, chart: boolean): Promise<number[]> {
	const times: number[] = [];
	for (let i = 0; i < runs; i++) {
		await page.goto('about:blank');
		await page.goto(url, { waitUntil: 'commit' });
		await page.waitForFunction((withChart) => document.readyState === 'complete' && (!withChart || document.querySelector('canvas') !== null), chart, {
			polling: 'raf',
			timeout: 30_000
		});
		times.push(await page.evaluate(() => performance.now()));
	}
	return times;
}

const height = (page: Page) => page.evaluate(() => document.documentElement.scrollHeight);

try {
	const wide = { viewport: { width: 1280, height: 1000 }, reducedMotion: 'reduce' as const };
	const manager = await (await browser.newContext(wide)).newPage();
	await signIn(manager, server.url, 'practice.manager@demo.belonging.example');
	await manager.getByRole('link', { name: 'Riverside Surgery', exact: true }).click();
	await manager.waitForURL(/\/practices\/\d+$/);
	const practiceUrl = manager.url();
	const lead = await (await browser.newContext(wide)).newPage();
	await signIn(lead, server.url, 'pcn.lead@demo.belonging.example');
	await lead.getByRole('link', { name: /: compare its practices$/ }).first().click();
	await lead.waitForURL(/\/pcns\/\d+/);
	const pcnUrl = lead.url();
	const phone = await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();

	await manager.goto(practiceUrl);
	await lead.goto(pcnUrl);
	await phone.goto(`${server.url}/s/demo`);
	console.log(`Page heights: practice dashboard ${await height(manager)} px, PCN dashboard ${await height(lead)} px at 1280 × 1000; survey ${await height(phone)} px at 360 px`);

	const baseline = await timeToInteractive(manager, `${server.url}/account`, false);
	const practice = await timeToInteractive(manager, practiceUrl, true);
	const pcn = await timeToInteractive(lead, pcnUrl, true);
	for (const [label, times] of [
		['account page (baseline)', baseline],
		['practice dashboard', practice],
		['PCN dashboard', pcn]
	] as const) {
		console.log(`${label.padEnd(26)} interactive after median ${ms(median(times))}  p95 ${ms(p95(times))}  (${times.length} loads; ${(median(times) / median(baseline)).toFixed(2)}× the baseline)`);
	}
	console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
} finally {
	await browser.close();
	await server.stop();
	rmSync(dir, { recursive: true, force: true });
}
