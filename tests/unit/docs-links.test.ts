/**
 * The README and docs/ link to each other, to pictures and to source files, often by heading
 * anchor. A moved section or a renamed heading breaks such a link silently on GitHub, so every
 * relative link and anchor in README.md and docs/*.md is checked here: the file must exist and
 * the anchor must be a heading (or an explicit id) of the file it points into.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** GitHub's anchor for a heading: lower case, punctuation dropped, each space a hyphen. */
export function headingSlug(heading: string): string {
	const text = heading
		.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
		.replace(/<[^>]+>/g, '')
		.replace(/`/g, '');
	return text
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
		.replace(/ /g, '-');
}

/** The text outside fenced code blocks and inline code spans, line by line. */
function proseLines(markdown: string): string[] {
	let fence: string | undefined;
	return markdown.split('\n').map((line) => {
		const opener = /^\s*(```+|~~~+)/.exec(line);
		if (opener) {
			if (fence === undefined) fence = opener[1];
			else if (line.trim().startsWith(fence)) fence = undefined;
			return '';
		}
		return fence === undefined ? line.replace(/`+[^`]*`+/g, '``') : '';
	});
}

/** Every anchor a file offers: its headings (duplicates numbered as GitHub does) and id attributes. */
export function anchorsOf(markdown: string): Set<string> {
	const anchors = new Set<string>();
	const seen = new Map<string, number>();
	let fence: string | undefined;
	for (const line of markdown.split('\n')) {
		const opener = /^\s*(```+|~~~+)/.exec(line);
		if (opener) {
			if (fence === undefined) fence = opener[1];
			else if (line.trim().startsWith(fence)) fence = undefined;
			continue;
		}
		if (fence !== undefined) continue;
		const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
		if (heading) {
			const slug = headingSlug(heading[1] ?? '');
			const count = seen.get(slug) ?? 0;
			anchors.add(count === 0 ? slug : `${slug}-${count}`);
			seen.set(slug, count + 1);
		}
		for (const [, id] of line.matchAll(/\s(?:id|name)="([^"]+)"/g)) if (id) anchors.add(id);
	}
	return anchors;
}

/** The relative link targets of a file, outside code: markdown links and images, HTML src and href. */
export function linkTargets(markdown: string): string[] {
	const targets: string[] = [];
	for (const line of proseLines(markdown)) {
		for (const [, target] of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) if (target) targets.push(target);
		for (const [, target] of line.matchAll(/\s(?:src|href)="([^"]+)"/g)) if (target) targets.push(target);
	}
	return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith('//'));
}

/** The broken links of one file, as "target: why". */
export function brokenLinks(file: string, read: (path: string) => string | undefined): string[] {
	const text = read(file) ?? '';
	const problems: string[] = [];
	for (const target of linkTargets(text)) {
		const [rawPath = '', anchor] = target.split('#', 2);
		const path = decodeURIComponent(rawPath);
		const into = path === '' ? file : join(dirname(file), path);
		const content = path === '' ? text : read(into);
		if (content === undefined) {
			problems.push(`${target}: no such file (${into})`);
			continue;
		}
		if (anchor !== undefined && anchor !== '' && into.endsWith('.md') && !anchorsOf(content).has(anchor)) {
			problems.push(`${target}: no heading or id "${anchor}" in ${into}`);
		}
	}
	return problems;
}

/** Reads a file of the repository; a folder reads as empty text; undefined when nothing is there. */
function readRepositoryFile(path: string): string | undefined {
	const absolute = resolve(ROOT, path);
	if (!existsSync(absolute)) return undefined;
	return statSync(absolute).isDirectory() ? '' : readFileSync(absolute, 'utf8');
}

describe('headingSlug', () => {
	it('makes the anchors GitHub makes', () => {
		expect(headingSlug('Single sign-on (NHSmail and Microsoft Entra ID)')).toBe('single-sign-on-nhsmail-and-microsoft-entra-id');
		expect(headingSlug("Each person's day")).toBe('each-persons-day');
		expect(headingSlug('1. Instruments are data')).toBe('1-instruments-are-data');
		expect(headingSlug('Operations: logs and metrics')).toBe('operations-logs-and-metrics');
		expect(headingSlug('The `MIN_RESPONSES` rule')).toBe('the-min_responses-rule');
		expect(headingSlug('Instruments as data: bring your own, and see how well each measures')).toBe(
			'instruments-as-data-bring-your-own-and-see-how-well-each-measures'
		);
		expect(headingSlug('Change over time — Δ')).toBe('change-over-time--δ');
	});
});

describe('anchorsOf and linkTargets', () => {
	const doc = [
		'# Title',
		'## Mail',
		'## Mail',
		'```sh',
		'# not a heading',
		'see [x](nowhere.md)',
		'```',
		'<a id="kept"></a>',
		'[a](#mail-1) and `[b](#inside-code)` and ![p](../pic.png) <img src="img.png"> [web](https://example.org)'
	].join('\n');

	it('numbers repeated headings and ignores code', () => {
		expect([...anchorsOf(doc)].sort()).toEqual(['kept', 'mail', 'mail-1', 'title']);
	});

	it('finds relative links outside code only', () => {
		expect(linkTargets(doc)).toEqual(['#mail-1', '../pic.png', 'img.png']);
	});

	it('reports a missing file and a missing anchor, and passes good ones', () => {
		const files: Record<string, string> = {
			'docs/a.md': '# A\n[ok](b.md#there) [bad anchor](b.md#nowhere) [gone](c.md) [self](#a) [self bad](#b)',
			'docs/b.md': '## There'
		};
		expect(brokenLinks('docs/a.md', (p) => files[p])).toEqual([
			'b.md#nowhere: no heading or id "nowhere" in docs/b.md',
			'c.md: no such file (docs/c.md)',
			'#b: no heading or id "b" in docs/a.md'
		]);
	});
});

describe('README.md and docs/', () => {
	const files = [
		'README.md',
		...readdirSync(join(ROOT, 'docs'))
			.filter((name) => name.endsWith('.md'))
			.map((name) => `docs/${name}`)
	];

	it.each(files)('%s has no broken relative link or anchor', (file) => {
		expect(brokenLinks(file, readRepositoryFile)).toEqual([]);
	});

	it('cover the docs the README sends readers to', () => {
		const readme = readRepositoryFile('README.md') ?? '';
		const linked = new Set(linkTargets(readme).map((t) => t.split('#')[0]));
		const missing = files.filter((f) => f !== 'README.md' && !linked.has(f));
		expect(missing.map((f) => relative(ROOT, join(ROOT, f)))).toEqual([]);
	});
});
