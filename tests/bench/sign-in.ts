/**
 * What one sign-in costs: the scrypt password check alone (N = 2^17, r = 8, p = 1, the
 * parameters every real account uses), and a whole sign-in form post to the built server,
 * from request to the redirect with a session cookie; then what a burst of guesses does to
 * someone else's sign-in, and whether the forgotten-password form answers a known address as
 * fast as an unknown one; and a whole single sign-on through a local OpenID Connect provider.
 * Usage: npm run bench:sign-in [-- runs]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_PASSWORD } from '../../src/lib/server/demo/accounts';
import { RECOMMENDED_COST, hashPassword, verifyPassword } from '../../src/lib/server/accounts/passwords';
import { freePort, median, startServer } from '../helpers/server';
import { demoIdentities, startTestProvider } from '../helpers/oidc-provider';
import { Secret, TOTP } from 'otpauth';
import { openDatabase } from '../../src/lib/server/db';
import { beginSecondFactorSetup, confirmSecondFactor } from '../../src/lib/server/accounts/second-factor';
import { findUserByEmail, toSignedInUser } from '../../src/lib/server/accounts/users';

const runs = Number(process.argv[2] ?? 9);
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
const report = (label: string, times: number[]) =>
	console.log(`${label.padEnd(44)} median ${fmt(median(times))}  min ${fmt(Math.min(...times))}  max ${fmt(Math.max(...times))}  (${times.length} runs)`);

console.log(`Node ${process.version}; scrypt logN=${RECOMMENDED_COST.logN} r=${RECOMMENDED_COST.r} p=${RECOMMENDED_COST.p}`);
const hash = await hashPassword(DEMO_PASSWORD);
const checks: number[] = [];
for (let i = 0; i < runs; i++) {
	const started = performance.now();
	await verifyPassword(hash, DEMO_PASSWORD);
	checks.push(performance.now() - started);
}
report('password check (scrypt) alone', checks);

const dir = mkdtempSync(join(tmpdir(), 'belonging-bench-'));
const [serverPort, providerPort] = [await freePort(), await freePort()];
const serverUrl = `http://127.0.0.1:${serverPort}`;
const provider = await startTestProvider({
	port: providerPort,
	redirectUri: `${serverUrl}/sign-in/sso/callback`,
	signedOutUri: `${serverUrl}/sign-in`,
	identities: demoIdentities()
});
const server = await startServer(
	{ DATABASE_PATH: join(dir, 'demo.db'), DEMO: '1', SSO_ISSUER: provider.issuer, SSO_CLIENT_ID: provider.clientId, SSO_CLIENT_SECRET: provider.clientSecret },
	{ port: serverPort }
);
// The demo stores its published password cheaply (DEMO_PASSWORD_COST); every real account's hash
// has the recommended cost, and that is the sign-in measured here.
{
	const db = openDatabase({ databasePath: join(dir, 'demo.db') });
	await db.updateTable('user_account').set({ password_hash: await hashPassword(DEMO_PASSWORD, RECOMMENDED_COST) }).where('password_hash', 'is not', null).execute();
	await db.destroy();
}
/** A form post as a browser without JavaScript sends it, not following the redirect. */
const postForm = (path: string, form: Record<string, string>, cookie?: string) =>
	fetch(`${server.url}${path}`, {
		method: 'POST',
		redirect: 'manual',
		headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, accept: 'text/html', ...(cookie ? { cookie } : {}) },
		body: new URLSearchParams(form).toString()
	});
const signIn = (email: string, password: string) => postForm('/sign-in', { email, password });

/** One single sign-on with fresh cookie jars (one per site), following redirects by hand as a browser would. */
async function singleSignOn(login: string): Promise<{ total: number; belonging: number }> {
	const jars = new Map<string, Map<string, string>>();
	const request = async (url: URL, init: RequestInit = {}) => {
		const jar = jars.get(url.origin) ?? new Map<string, string>();
		jars.set(url.origin, jar);
		const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
		const response = await fetch(url, { ...init, redirect: 'manual', headers: { accept: 'text/html', ...(cookie ? { cookie } : {}), ...init.headers } });
		for (const set of response.headers.getSetCookie()) {
			const [pair] = set.split(';');
			const at = pair!.indexOf('=');
			jar.set(pair!.slice(0, at), pair!.slice(at + 1));
		}
		return response;
	};
	let belonging = 0;
	const started = performance.now();
	let at = new URL(`${server.url}/sign-in/sso`);
	for (let hop = 0; hop < 12; hop++) {
		const ours = at.origin === server.url;
		const hopStarted = performance.now();
		const response = await request(at);
		const body = await response.text();
		if (ours) belonging += performance.now() - hopStarted;
		const location = response.headers.get('location');
		if (ours && at.pathname === '/sign-in/sso/callback') {
			if (response.status !== 303 || !jars.get(server.url)?.has('belonging_session')) throw new Error(`callback answered ${response.status}`);
			return { total: performance.now() - started, belonging };
		}
		if (location) {
			at = new URL(location, at);
			continue;
		}
		const action = /<form[^>]*action="([^"]+)"/.exec(body)?.[1];
		if (!action) throw new Error(`no redirect and no form at ${at}`);
		const posted = await request(new URL(action.replaceAll('&amp;', '&'), at), {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ prompt: 'login', login, password: 'anything' }).toString()
		});
		at = new URL(posted.headers.get('location')!, at);
	}
	throw new Error('single sign-on did not finish within twelve steps');
}
try {
	const posts: number[] = [];
	for (let i = 0; i < runs; i++) {
		const started = performance.now();
		const response = await signIn('pcn.lead@demo.belonging.example', DEMO_PASSWORD);
		posts.push(performance.now() - started);
		if (response.status !== 303) throw new Error(`sign-in answered ${response.status}`);
	}
	report('whole sign-in post to the built server', posts);

	// Two-step sign-in: the password post, then the code post, each a whole request. Recovery codes
	// stand in for the app's codes, which work once per 30-second step (checking either is one hash
	// or HMAC and one conditional update).
	const db = openDatabase({ databasePath: join(dir, 'demo.db') });
	const account = (await findUserByEmail(db, 'admin@demo.belonging.example'))!;
	const admin = await toSignedInUser(db, account);
	const begun = await beginSecondFactorSetup(db, admin);
	if (!begun.ok) throw new Error('set-up refused');
	const code = TOTP.generate({ secret: Secret.fromBase32(begun.key.secret.replace(/\s/g, '')) });
	const confirmed = await confirmSecondFactor(db, admin, { code, clientAddress: '127.0.0.1' });
	if (!confirmed.ok) throw new Error('confirmation refused');
	await db.destroy();
	const twoStep: number[] = [];
	const codeStep: number[] = [];
	for (let i = 0; i < Math.min(runs, confirmed.recoveryCodes.length); i++) {
		const started = performance.now();
		const first = await signIn('admin@demo.belonging.example', DEMO_PASSWORD);
		const cookie = first.headers.get('set-cookie')?.split(';')[0];
		if (first.status !== 303 || !cookie) throw new Error(`password step answered ${first.status}`);
		const codeStarted = performance.now();
		const second = await postForm('/sign-in/code', { code: confirmed.recoveryCodes[i]! }, cookie);
		codeStep.push(performance.now() - codeStarted);
		twoStep.push(performance.now() - started);
		if (second.status !== 303) throw new Error(`code step answered ${second.status}`);
	}
	report('two-step sign-in (password post + code post)', twoStep);
	console.log(`${'  of which the code post'.padEnd(44)} median ${median(codeStep).toFixed(1)} ms  max ${Math.max(...codeStep).toFixed(1)} ms`);

	// Single sign-on as a browser does it, each run with fresh cookies (so the provider asks for the
	// login each time): Belonging's start, the provider's pages and redirects, Belonging's callback
	// (which exchanges the code with the provider and checks the ID token).
	const ssoTotal: number[] = [];
	const ssoBelonging: number[] = [];
	for (let i = 0; i < runs; i++) {
		const outcome = await singleSignOn('pcn.lead@demo.belonging.example');
		ssoTotal.push(outcome.total);
		ssoBelonging.push(outcome.belonging);
	}
	report('single sign-on, start to session', ssoTotal);
	console.log(`${'  of which Belonging (start + callback)'.padEnd(44)} median ${median(ssoBelonging).toFixed(1)} ms  max ${Math.max(...ssoBelonging).toFixed(1)} ms`);

	// 100 simultaneous wrong guesses at one account; 50 ms in, someone else signs in.
	const burst = Array.from({ length: 100 }, (_, i) => signIn('practice.manager@demo.belonging.example', `wrong guess number ${i}`));
	await new Promise((resolve) => setTimeout(resolve, 50));
	const otherStarted = performance.now();
	const other = await signIn('link.worker@demo.belonging.example', DEMO_PASSWORD);
	const otherMs = performance.now() - otherStarted;
	const statuses = (await Promise.all(burst)).map((r) => r.status);
	const count = (status: number) => statuses.filter((s) => s === status).length;
	console.log(
		`burst of 100 guesses at one account: ${count(401)} checked (401), ${count(429)} refused before any check (429), ${count(503)} busy (503)`
	);
	console.log(`someone else's sign-in during the burst: ${other.status} in ${fmt(otherMs)}`);

	// The forgotten-password form, known address against unknown, interleaved.
	const forgot = (email: string) => postForm('/forgot-password', { email });
	const known: number[] = [];
	const unknown: number[] = [];
	for (let i = 0; i < 200; i++) {
		for (const [email, into] of [['pcn.lead@demo.belonging.example', known], [`nobody${i}@demo.belonging.example`, unknown]] as const) {
			const started = performance.now();
			await (await forgot(email)).arrayBuffer();
			into.push(performance.now() - started);
		}
	}
	const p95 = (times: number[]) => [...times].sort((a, b) => a - b)[Math.ceil(times.length * 0.95) - 1]!;
	const ms2 = (ms: number) => `${ms.toFixed(2)} ms`;
	console.log(`forgotten-password, known address:   median ${ms2(median(known))}  p95 ${ms2(p95(known))}  (200 posts)`);
	console.log(`forgotten-password, unknown address: median ${ms2(median(unknown))}  p95 ${ms2(p95(unknown))}  (200 posts)`);
	console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
} finally {
	await server.stop();
	await provider.stop();
	rmSync(dir, { recursive: true, force: true });
}
