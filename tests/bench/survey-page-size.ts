/**
 * What a staff member's phone downloads for the survey page: the HTML plus every script and
 * stylesheet the browser actually fetches (recorded in the system Chromium), raw and gzipped.
 * Usage: npm run bench:survey-size
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchChromium } from '../e2e/browser';
import { startServer } from '../helpers/server';

const dir = mkdtempSync(join(tmpdir(), 'belonging-bench-'));
const server = await startServer({ DATABASE_PATH: join(dir, 'demo.db'), DEMO: '1' });
const browser = await launchChromium();

try {
	const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
	const bodies: Promise<[string, string, Buffer]>[] = [];
	page.on('response', (response) => {
		const path = new URL(response.url()).pathname;
		bodies.push(response.body().then((body) => [path, response.request().resourceType(), body]));
	});
	await page.goto(`${server.url}/s/demo`, { waitUntil: 'networkidle' });
	const rows = (await Promise.all(bodies)).map(([path, type, body]) => ({
		path,
		type,
		raw: body.length,
		gzipped: gzipSync(body, { level: 6 }).length
	}));
	rows.sort((a, b) => b.gzipped - a.gzipped);
	for (const r of rows) {
		console.log(`${String(r.gzipped).padStart(8)} B gz ${String(r.raw).padStart(8)} B  ${r.type.padEnd(10)} ${r.path}`);
	}
	const sum = (filter: (r: (typeof rows)[number]) => boolean, key: 'raw' | 'gzipped') =>
		rows.filter(filter).reduce((total, r) => total + r[key], 0);
	const all = () => true;
	const scripts = (r: (typeof rows)[number]) => r.type === 'script';
	console.log(
		`\nSurvey page (/s/demo) as loaded by Chromium: ${sum(all, 'gzipped')} B gzipped, ${sum(all, 'raw')} B raw, ${rows.length} files.` +
			`\nOf which JavaScript: ${sum(scripts, 'gzipped')} B gzipped, ${sum(scripts, 'raw')} B raw.`
	);
} finally {
	await browser.close();
	await server.stop();
	rmSync(dir, { recursive: true, force: true });
}
