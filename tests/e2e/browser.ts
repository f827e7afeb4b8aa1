import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserServer, type Cookie, type Download, type Page } from 'playwright-core';

const HEADLESS_SHELL = '/usr/bin/chromium-headless-shell';

/**
 * The Chromium the tests drive: CHROMIUM_PATH when set; else Debian's headless shell
 * (`chromium-headless-shell`: the same Chromium build without the windowed browser, which is what
 * Playwright itself runs for headless tests), when installed; else the system Chromium. The shell
 * did the same end-to-end tests with 30 % less of Chromium's CPU time, on a machine where
 * Chromium's work is most of the end-to-end suites' time (`bash .ci/run` installs it).
 */
export function chromiumPath(): string {
	if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
	return existsSync(HEADLESS_SHELL) ? HEADLESS_SHELL : '/usr/bin/chromium';
}

/** The flags this machine's closed network needs, for every Chromium the tests start. */
const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync'
];

/** The system Chromium, headless, as a server that test files connect to (the end-to-end global set-up starts one). */
export function launchChromiumServer(): Promise<BrowserServer> {
	return chromium.launchServer({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
}

/**
 * A browser for one test file or benchmark. In the end-to-end projects, a connection to the one
 * Chromium their global set-up started: launching Chromium took several seconds a file on a busy
 * machine, connecting a fraction of that. Closing the connection closes every context it opened,
 * so a file still starts and leaves with no pages, cookies or storage of another's. Elsewhere
 * (the benchmarks), the system Chromium, launched for the caller alone.
 */
export async function launchChromium(): Promise<Browser> {
	if (process.env.VITEST) {
		const { inject } = await import('vitest');
		const endpoint = inject('chromiumEndpoint');
		if (endpoint) return chromium.connect(endpoint);
	}
	return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
}

/**
 * Where the end-to-end tests save their pictures: tests/e2e/screenshots, which the README and the
 * docs show, from the SQLite run; a temporary folder from the PostgreSQL run, which runs beside it
 * (`npm test`) and would write the same files at the same moment.
 */
export const SCREENSHOTS =
	process.env.BELONGING_TEST_ENGINE === 'postgres' ? join(tmpdir(), 'belonging-e2e-postgres-screenshots') : join(import.meta.dirname, 'screenshots');
mkdirSync(SCREENSHOTS, { recursive: true });

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const htmlcsSource = readFileSync(require.resolve('html_codesniffer/build/HTMLCS.js'), 'utf8');

/**
 * A download's content as text. The tests share one Chromium and connect to it, and a connected
 * client cannot read the file where the browser saved it (`download.path()`), only its stream.
 */
export async function downloadedText(download: Download): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

export interface AxeViolation {
	id: string;
	impact: string | null;
	help: string;
	nodes: { target: string[] }[];
}

/** Runs axe-core against WCAG 2.2 A and AA plus best practice; returns the violations. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
	// evaluate() injects through the DevTools protocol, so a Content-Security-Policy cannot block it.
	await page.evaluate(axeSource);
	return page.evaluate(async () => {
		const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
		const { violations } = await axe.run(document, {
			runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }
		});
		return violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
	});
}

/**
 * HTML_CodeSniffer's errors at WCAG 2 AA, the second engine beside axe-core: it finds what axe
 * does not, such as a table with more than one level of header cells whose data cells are not
 * tied to them. Warnings and notices need a person, not a test.
 *
 * One check is left out, and only where it cannot run: 1.3.5 (identify input purpose) throws
 * on a page with an email field marked `autocomplete="username"` (sign-in, forgotten password,
 * account, invitation and reset pages). The engine (2.5.1) holds that "username" belongs on text
 * fields only, where the HTML standard now allows it on email fields too, and then looks up its
 * message as `1_3_5_H98.InvalidAutoComplete_Text` where its table spells it
 * `InvalidAutocomplete_Text`, so `.replace` is called on undefined. axe-core checks 1.3.5 on
 * every page (autocomplete-valid), these included.
 */
export async function codeSnifferErrors(page: Page): Promise<AxeViolation[]> {
	await page.evaluate(htmlcsSource);
	return page.evaluate(
		() =>
			new Promise<AxeViolation[]>((resolve, reject) => {
				interface Message {
					type: number;
					code: string;
					msg: string;
					element: Element;
				}
				const global = window as unknown as {
					HTMLCS: { process: (...args: unknown[]) => void; getMessages: () => Message[] };
					HTMLCS_WCAG2AA: { sniffs: { include: string[] }[] };
				};
				if (document.querySelector('input[type="email"][autocomplete~="username"]')) {
					for (const part of global.HTMLCS_WCAG2AA.sniffs) part.include = part.include.filter((sniff) => !sniff.endsWith('.1_3_5'));
				}
				const where = (element: Element): string => {
					if (!(element instanceof Element)) return 'document';
					const parts: string[] = [];
					for (let node: Element | null = element; node && node !== document.documentElement && parts.length < 4; node = node.parentElement) {
						parts.unshift(node.id ? `#${node.id}` : `${node.tagName.toLowerCase()}${node.classList.length ? `.${[...node.classList].join('.')}` : ''}`);
						if (node.id) break;
					}
					return parts.join(' > ');
				};
				global.HTMLCS.process(
					'WCAG2AA',
					document,
					() => {
						const errors = global.HTMLCS.getMessages().filter((m) => m.type === 1);
						resolve(errors.map((m) => ({ id: `htmlcs ${m.code}`, impact: 'error', help: m.msg, nodes: [{ target: [where(m.element)] }] })));
					},
					() => reject(new Error('HTML_CodeSniffer could not run')),
					'en'
				);
			})
	);
}

/** Both engines on one page: axe-core's violations, then HTML_CodeSniffer's errors. */
export async function accessibilityProblems(page: Page): Promise<AxeViolation[]> {
	return [...(await axeViolations(page)), ...(await codeSnifferErrors(page))];
}

/** Readable in a failed assertion: rule, help text and where. */
export function describeViolations(violations: AxeViolation[]): string[] {
	return violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

export const DEMO_PASSWORD_FOR_TESTS = 'belonging-demo-2026';

/**
 * Sessions the sign-in form gave, by server, email and password, with the page it led to. A page
 * load and a form post of a browser cost about half a CPU-second on the test machine, and most
 * flows sign in only to begin: the same person's next sign-in on the same server (in another
 * flow, or another file of the worker) starts from the session's cookies instead. The form is
 * still how every session begins, and the flows about signing in drive it themselves.
 */
const sessions = new Map<string, { cookies: Cookie[]; landing: string }>();

/**
 * Signs in through the real form, as a person would, and waits for the page that follows; or,
 * when the form already gave this person a session on this server, opens that page with the
 * session's cookies. A session that has ended since (signed out, revoked, another server on the
 * same port) gets a page without the sign-out form, and the form is used again. A sign-in that
 * stops at a second step is not kept.
 */
export async function signIn(page: Page, baseUrl: string, email: string, password = DEMO_PASSWORD_FOR_TESTS): Promise<void> {
	const key = `${baseUrl} ${email} ${password}`;
	const kept = sessions.get(key);
	if (kept) {
		await page.context().addCookies(kept.cookies);
		await page.goto(kept.landing);
		// Signed in, the page's header has the sign-out form; a home page shown to a visitor does not.
		if (await page.locator('form[action="/sign-out"]').count()) return;
		sessions.delete(key);
	}
	await page.goto(`${baseUrl}/sign-in`);
	await page.getByLabel('Email address').fill(email);
	await page.getByLabel('Password', { exact: true }).fill(password);
	await page.getByRole('button', { name: 'Sign in', exact: true }).click();
	await page.waitForURL((url) => url.pathname !== '/sign-in');
	const landing = page.url();
	if (!new URL(landing).pathname.startsWith('/sign-in')) sessions.set(key, { cookies: await page.context().cookies(baseUrl), landing });
}
