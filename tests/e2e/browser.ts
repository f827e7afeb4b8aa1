import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';

export function chromiumPath(): string {
	return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/** The system Chromium, headless, with the flags this machine's closed network needs. */
export function launchChromium(): Promise<Browser> {
	return chromium.launch({
		executablePath: chromiumPath(),
		headless: true,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync'
		]
	});
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

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

/** Readable in a failed assertion: rule, help text and where. */
export function describeViolations(violations: AxeViolation[]): string[] {
	return violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

export const DEMO_PASSWORD_FOR_TESTS = 'belonging-demo-2026';

/** Signs in through the real form, as a person would, and waits for the page that follows. */
export async function signIn(page: Page, baseUrl: string, email: string, password = DEMO_PASSWORD_FOR_TESTS): Promise<void> {
	await page.goto(`${baseUrl}/sign-in`);
	await page.getByLabel('Email address').fill(email);
	await page.getByLabel('Password', { exact: true }).fill(password);
	await page.getByRole('button', { name: 'Sign in', exact: true }).click();
	await page.waitForURL((url) => url.pathname !== '/sign-in');
}
