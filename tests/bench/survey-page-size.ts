/**
 * What a staff member's phone receives for the survey page: every request Chromium makes for
 * /s/demo, with the bytes that came over the wire for each (the DevTools protocol's
 * encodedDataLength: headers and the body as sent, compressed or not), from the built server as
 * `npm start` runs it. Once with JavaScript on and once with it off.
 * Usage: npm run bench:survey-size
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../e2e/browser';
import { startServer } from '../helpers/server';

interface Received {
	path: string;
	type: string;
	encoding: string;
	bytes: number;
}

async function load(browser: Browser, url: string, javaScript: boolean): Promise<Received[]> {
	const context = await browser.newContext({ viewport: { width: 360, height: 740 }, javaScriptEnabled: javaScript });
	const page = await context.newPage();
	const cdp = await context.newCDPSession(page);
	await cdp.send('Network.enable');
	await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
	const requests = new Map<string, Omit<Received, 'bytes'>>();
	const received: Received[] = [];
	cdp.on('Network.responseReceived', ({ requestId, type, response }) => {
		requests.set(requestId, {
			path: new URL(response.url).pathname,
			type: type.toLowerCase(),
			encoding: String(response.headers['content-encoding'] ?? response.headers['Content-Encoding'] ?? '-')
		});
	});
	cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
		const request = requests.get(requestId);
		if (request) received.push({ ...request, bytes: encodedDataLength });
	});
	await page.goto(url, { waitUntil: 'networkidle' });
	await context.close();
	return received.sort((a, b) => b.bytes - a.bytes);
}

const dir = mkdtempSync(join(tmpdir(), 'belonging-bench-'));
const server = await startServer({ DATABASE_PATH: join(dir, 'demo.db'), DEMO: '1' });
const browser = await launchChromium();
try {
	for (const javaScript of [true, false]) {
		const rows = await load(browser, `${server.url}/s/demo`, javaScript);
		console.log(`\nJavaScript ${javaScript ? 'on' : 'off'}:`);
		for (const r of rows) console.log(`${String(r.bytes).padStart(8)} B  ${r.encoding.padEnd(5)} ${r.type.padEnd(10)} ${r.path}`);
		const total = rows.reduce((sum, r) => sum + r.bytes, 0);
		const scripts = rows.filter((r) => r.type === 'script').reduce((sum, r) => sum + r.bytes, 0);
		console.log(
			`Survey page (/s/demo), JavaScript ${javaScript ? 'on' : 'off'}: ${total} B (${(total / 1024).toFixed(1)} KB) on the wire in ${rows.length} requests, of which ${scripts} B scripts.`
		);
	}
} finally {
	await browser.close();
	await server.stop();
	rmSync(dir, { recursive: true, force: true });
}
