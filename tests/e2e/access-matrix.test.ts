/**
 * The access-control matrix. Every route file in src/routes must have an entry here, and every
 * entry is tried over HTTP against the built server as each role (and as nobody), on data in
 * and out of that role's scope, asserting the exact status. A new route without an entry fails
 * the first test, so nobody can forget to decide who may use it.
 */
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/lib/server/db/migrations';
import { storeBuiltInInstruments } from '../../src/lib/server/surveys/instruments';
import { SESSION_COOKIE } from '../../src/lib/server/accounts/sessions';
import { getUser, toSignedInUser } from '../../src/lib/server/accounts/users';
import { createApiToken } from '../../src/lib/server/api/tokens';
import { createAccessFixture, WHO, type AccessFixture, type Who } from '../helpers/access-fixture';
import { createServerDatabase, type ServerDatabase } from '../helpers/server-database';
import { startServer, type RunningServer } from '../helpers/server';

type Expected = Record<Who, number>;

interface Probe {
	/** What is being tried, in words. */
	label: string;
	method: 'GET' | 'POST';
	path: (f: AccessFixture) => string;
	form?: (f: AccessFixture) => Record<string, string>;
	expect: Expected;
}

/** Redirected to sign-in when not signed in; `signedIn` for everyone else. */
const signedIn = (expected: Omit<Expected, 'anonymous'>): Expected => ({ anonymous: 303, ...expected });
const everyone = (status: number): Expected => ({ anonymous: status, admin: status, icbLead: status, pcnLead: status, manager: status, linkWorker: status });
const adminOnly = (status: number): Expected => signedIn({ admin: status, icbLead: 403, pcnLead: 403, manager: 403, linkWorker: 403 });
const get = (label: string, path: Probe['path'], expect: Expected): Probe => ({ label, method: 'GET', path, expect });
const post = (label: string, path: Probe['path'], expect: Expected, form?: Probe['form']): Probe => ({ label, method: 'POST', path, form, expect });

/** Keyed by route id (groups removed). */
const MATRIX: Record<string, Probe[]> = {
	'/': [get('home page', () => '/', { anonymous: 200, admin: 303, icbLead: 200, pcnLead: 200, manager: 200, linkWorker: 200 })],
	// The navigation's Flags, Actions and Calendar: someone with one practice is sent to its own page (303), someone with several gets the list.
	'/flags': [get('flags of each practice', () => '/flags', signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 303, linkWorker: 200 }))],
	'/actions': [get('actions of each practice', () => '/actions', signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 303, linkWorker: 200 }))],
	'/calendar': [get('survey calendar of each practice', () => '/calendar', signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 303, linkWorker: 403 }))],
	'/healthz': [get('health check', () => '/healthz', everyone(200))],
	// The assurance pages are for anyone, signed in or not (issue 27).
	'/privacy': [get('privacy notice', () => '/privacy', everyone(200))],
	'/accessibility': [get('accessibility statement', () => '/accessibility', everyone(200))],
	'/assurance': [get('assurance index', () => '/assurance', everyone(200))],
	'/assurance/dpia': [get('data protection impact assessment', () => '/assurance/dpia', everyone(200))],
	'/assurance/dtac': [get('DTAC answers', () => '/assurance/dtac', everyone(200))],
	'/security': [get('security page', () => '/security', everyone(200))],
	// This server has no SECURITY_CONTACT, so it publishes no security.txt (tests/e2e/assurance.test.ts has one that does).
	'/.well-known/security.txt': [get('security.txt without a contact', () => '/.well-known/security.txt', everyone(404))],
	// Off on this server (no METRICS_TOKEN): a session is no key to it. logs-and-metrics.test.ts turns it on.
	'/metrics': [get('metrics', () => '/metrics', everyone(404))],
	'/sign-in': [
		get('sign-in page', () => '/sign-in', { anonymous: 200, admin: 303, icbLead: 303, pcnLead: 303, manager: 303, linkWorker: 303 }),
		// Signed-in people are sent on from the sign-in page, even after a failed form.
		post('sign-in with an empty form', () => '/sign-in', { anonymous: 400, admin: 303, icbLead: 303, pcnLead: 303, manager: 303, linkWorker: 303 })
	],
	// The second step of signing in: only with a live challenge from a right password.
	'/sign-in/code': [
		get('code page without a challenge', () => '/sign-in/code', everyone(303)),
		// The refusal's page has no challenge to show either, so it sends the browser back to the password.
		post('code with an empty form', () => '/sign-in/code', everyone(303)),
		post('code without a challenge', () => '/sign-in/code', everyone(303), () => ({ code: '123456' }))
	],
	'/sign-in/set-up': [
		get('set-up page without a challenge', () => '/sign-in/set-up', everyone(303)),
		// A post's answer shows its own outcome: without a challenge, the way back to signing in.
		post('set-up code without a challenge', () => '/sign-in/set-up', { anonymous: 410, admin: 303, icbLead: 303, pcnLead: 303, manager: 303, linkWorker: 303 }, () => ({ code: '123456' }))
	],
	'/sign-out': [get('sign-out visited, not posted', () => '/sign-out', everyone(303))],
	// This server has no single sign-on configured (tests/e2e/single-sign-on.test.ts has one that does).
	'/sign-in/sso': [get('single sign-on when it is not set up', () => '/sign-in/sso', everyone(404))],
	'/sign-in/sso/callback': [get('single sign-on answer when it is not set up', () => '/sign-in/sso/callback?code=x&state=y', everyone(404))],
	'/s/[token]': [
		get('survey of a closed round', (f) => `/s/${f.rounds.a1.public_token}`, everyone(200)),
		get('survey with an unknown token', () => '/s/no-such-survey', everyone(404))
	],
	'/s/[token]/thanks': [get('thank-you page', (f) => `/s/${f.rounds.a1.public_token}/thanks`, everyone(200))],
	// Results are for those who read a practice's results: an administrator or an ICB lead is refused (403).
	'/rounds/[roundId]': [
		get('results at A1 (lead’s PCN, manager’s practice, link worker’s practice)', (f) => `/rounds/${f.rounds.a1.id}`,
			signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 200, linkWorker: 200 })),
		get('results at A2 (lead’s PCN only)', (f) => `/rounds/${f.rounds.a2.id}`,
			signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 404, linkWorker: 404 })),
		get('results at B1 (the other PCN; link worker’s practice)', (f) => `/rounds/${f.rounds.b1.id}`,
			signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 200 })),
		get('results of a round that does not exist', () => '/rounds/999999', signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 404 })),
		get('results of an open round at A1 (progress only)', (f) => `/rounds/${f.rounds.a1Open.id}`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 200, linkWorker: 200 })),
		post('open the A1 draft while A1 has an open round (refused)', (f) => `/rounds/${f.rounds.a1Draft.id}?/open`, signedIn({ admin: 403, icbLead: 403, pcnLead: 409, manager: 409, linkWorker: 403 })),
		post('delete a closed round at A1 (only drafts can go)', (f) => `/rounds/${f.rounds.a1.id}?/delete`, signedIn({ admin: 403, icbLead: 403, pcnLead: 409, manager: 409, linkWorker: 403 }),
			() => ({ confirm: 'delete' })),
		// Deleting asks first (?confirm=delete): a post without that step deletes nothing.
		post('delete the A1 draft without confirming', (f) => `/rounds/${f.rounds.a1Draft.id}?/delete`, signedIn({ admin: 403, icbLead: 403, pcnLead: 400, manager: 400, linkWorker: 403 })),
		get('the question before deleting the A1 draft', (f) => `/rounds/${f.rounds.a1Draft.id}?confirm=delete`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 200, linkWorker: 200 })),
		post('open a round that does not exist', () => '/rounds/999999?/open', signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 403 })),
		get('results with a malformed round id', () => '/rounds/abc', signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 404 }))
	],
	// Closing by hand asks first: the question is a page of its own, for those who run rounds.
	'/rounds/[roundId]/close': [
		get('the question before closing the open round at A1', (f) => `/rounds/${f.rounds.a1Open.id}/close`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 200, linkWorker: 403 })),
		get('closing a round at A1 that has already closed (nothing to ask)', (f) => `/rounds/${f.rounds.a1.id}/close`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 200, linkWorker: 403 })),
		get('closing a round at A2 (lead’s PCN only)', (f) => `/rounds/${f.rounds.a2.id}/close`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 404, linkWorker: 403 })),
		get('closing a round at B1 (other PCN)', (f) => `/rounds/${f.rounds.b1.id}/close`, signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 403 })),
		get('closing a round that does not exist', () => '/rounds/999999/close', signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 403 })),
		// Nothing closes in these: no confirmation, a stale one, or a round closed already or out of scope.
		post('close the open round at A1 without confirming', (f) => `/rounds/${f.rounds.a1Open.id}/close?/close`, signedIn({ admin: 403, icbLead: 403, pcnLead: 400, manager: 400, linkWorker: 403 })),
		post('close the open round at A1 confirming something else', (f) => `/rounds/${f.rounds.a1Open.id}/close?/close`, signedIn({ admin: 403, icbLead: 403, pcnLead: 409, manager: 409, linkWorker: 403 }),
			() => ({ confirm: 'close', stated: 'stale' })),
		post('close a round at A1 that has already closed', (f) => `/rounds/${f.rounds.a1.id}/close?/close`, signedIn({ admin: 403, icbLead: 403, pcnLead: 409, manager: 409, linkWorker: 403 }),
			() => ({ confirm: 'close', stated: 'stale' })),
		post('close a round at A2 (lead’s PCN only)', (f) => `/rounds/${f.rounds.a2.id}/close?/close`, signedIn({ admin: 403, icbLead: 403, pcnLead: 409, manager: 404, linkWorker: 403 }),
			() => ({ confirm: 'close', stated: 'stale' })),
		post('close a round at B1 (other PCN)', (f) => `/rounds/${f.rounds.b1.id}/close?/close`, signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 403 }),
			() => ({ confirm: 'close', stated: 'stale' }))
	],
	// The link worker's own, signed view: only link workers, only at practices they serve.
	'/rounds/[roundId]/assessment': [
		get('own view of A1 (link worker’s practice)', (f) => `/rounds/${f.rounds.a1.id}/assessment`,
			signedIn({ admin: 403, icbLead: 403, pcnLead: 403, manager: 403, linkWorker: 200 })),
		get('own view of an open round at A1', (f) => `/rounds/${f.rounds.a1Open.id}/assessment`,
			signedIn({ admin: 403, icbLead: 403, pcnLead: 403, manager: 403, linkWorker: 200 })),
		get('own view of the A1 draft (a notice, no form)', (f) => `/rounds/${f.rounds.a1Draft.id}/assessment`,
			signedIn({ admin: 403, icbLead: 403, pcnLead: 403, manager: 403, linkWorker: 200 })),
		get('own view of A2 (not the link worker’s practice)', (f) => `/rounds/${f.rounds.a2.id}/assessment`,
			signedIn({ admin: 403, icbLead: 403, pcnLead: 403, manager: 403, linkWorker: 404 })),
		get('own view of a round that does not exist', () => '/rounds/999999/assessment',
			signedIn({ admin: 403, icbLead: 403, pcnLead: 403, manager: 403, linkWorker: 404 })),
		post('own view at A1 with an empty form', (f) => `/rounds/${f.rounds.a1.id}/assessment`,
			signedIn({ admin: 403, icbLead: 403, pcnLead: 403, manager: 403, linkWorker: 400 })),
		post('own view of the A1 draft (refused)', (f) => `/rounds/${f.rounds.a1Draft.id}/assessment`,
			signedIn({ admin: 403, icbLead: 403, pcnLead: 403, manager: 403, linkWorker: 409 }), () => ({ 'item-CO1': '3' })),
		post('own view at A2 (not the link worker’s practice)', (f) => `/rounds/${f.rounds.a2.id}/assessment`,
			signedIn({ admin: 403, icbLead: 403, pcnLead: 403, manager: 403, linkWorker: 404 }), () => ({ 'item-CO1': '3' }))
	],
	'/practices/[practiceId]': [
		get('dashboard of A1 (lead’s PCN, manager’s practice, link worker’s practice)', (f) => `/practices/${f.practices.a1.id}`,
			signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 200, linkWorker: 200 })),
		get('dashboard of A2 (lead’s PCN only)', (f) => `/practices/${f.practices.a2.id}`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 404, linkWorker: 404 })),
		get('dashboard of B1 (other PCN; link worker’s practice)', (f) => `/practices/${f.practices.b1.id}`, signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 200 })),
		get('dashboard of a practice that does not exist', () => '/practices/999999', signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 404 })),
		get('dashboard with a malformed practice id', () => '/practices/abc', signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 404 }))
	],
	// The printable summary: the dashboard's own readers, nobody else.
	'/practices/[practiceId]/summary': [
		get('summary of A1', (f) => `/practices/${f.practices.a1.id}/summary`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 200, linkWorker: 200 })),
		get('summary of A2 (lead’s PCN only)', (f) => `/practices/${f.practices.a2.id}/summary`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 404, linkWorker: 404 })),
		get('summary of B1 (other PCN; link worker’s practice)', (f) => `/practices/${f.practices.b1.id}/summary`, signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 200 })),
		get('summary of a practice that does not exist', () => '/practices/999999/summary', signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 404 })),
		get('summary with a malformed practice id', () => '/practices/abc/summary', signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 404 }))
	],
	'/pcns/[pcnId]/export/[kind]': [
		get('heatmap CSV of PCN A', (f) => `/pcns/${f.pcns.a.id}/export/heatmap.csv`, signedIn({ admin: 403, icbLead: 200, pcnLead: 200, manager: 403, linkWorker: 403 })),
		get('all rounds CSV of PCN A', (f) => `/pcns/${f.pcns.a.id}/export/rounds.csv`, signedIn({ admin: 403, icbLead: 200, pcnLead: 200, manager: 403, linkWorker: 403 })),
		get('heatmap workbook of PCN A', (f) => `/pcns/${f.pcns.a.id}/export/heatmap.xlsx`, signedIn({ admin: 403, icbLead: 200, pcnLead: 200, manager: 403, linkWorker: 403 })),
		get('all rounds workbook of PCN B (not the lead’s)', (f) => `/pcns/${f.pcns.b.id}/export/rounds.xlsx`, signedIn({ admin: 403, icbLead: 200, pcnLead: 404, manager: 403, linkWorker: 403 })),
		get('heatmap CSV of PCN B (not the lead’s, in the ICB lead’s ICB)', (f) => `/pcns/${f.pcns.b.id}/export/heatmap.csv`, signedIn({ admin: 403, icbLead: 200, pcnLead: 404, manager: 403, linkWorker: 403 })),
		get('heatmap CSV with the period the wrong way round', (f) => `/pcns/${f.pcns.a.id}/export/heatmap.csv?from=2026-10-01&to=2026-01-01`, signedIn({ admin: 403, icbLead: 400, pcnLead: 400, manager: 403, linkWorker: 403 })),
		get('a PCN download that does not exist', (f) => `/pcns/${f.pcns.a.id}/export/answers.csv`, signedIn({ admin: 403, icbLead: 404, pcnLead: 404, manager: 403, linkWorker: 403 }))
	],
	'/pcns/[pcnId]': [
		get('PCN dashboard of PCN A (lead’s PCN)', (f) => `/pcns/${f.pcns.a.id}`, signedIn({ admin: 403, icbLead: 200, pcnLead: 200, manager: 403, linkWorker: 403 })),
		get('PCN dashboard of PCN A with an invalid period', (f) => `/pcns/${f.pcns.a.id}?from=2026-13-45&to=nonsense&sort=rank`,
			signedIn({ admin: 403, icbLead: 200, pcnLead: 200, manager: 403, linkWorker: 403 })),
		get('PCN dashboard of PCN B (other PCN, in the ICB lead’s ICB)', (f) => `/pcns/${f.pcns.b.id}`, signedIn({ admin: 403, icbLead: 200, pcnLead: 404, manager: 403, linkWorker: 403 })),
		get('PCN dashboard of PCN C (another ICB)', (f) => `/pcns/${f.pcns.c.id}`, signedIn({ admin: 403, icbLead: 404, pcnLead: 404, manager: 403, linkWorker: 403 })),
		get('PCN dashboard of a PCN that does not exist', () => '/pcns/999999', signedIn({ admin: 403, icbLead: 404, pcnLead: 404, manager: 403, linkWorker: 403 })),
		get('PCN dashboard with a malformed id', () => '/pcns/abc', signedIn({ admin: 403, icbLead: 404, pcnLead: 404, manager: 403, linkWorker: 403 }))
	],
	// The instrument report (issue 29): PCN leads on their PCNs, ICB leads on their ICBs and the PCNs in them, administrators on any scope.
	'/instruments/[versionId]/report': [
		get('report on the viewer’s own scope', (f) => `/instruments/${f.rounds.a1.instrument_version_id}/report`, signedIn({ admin: 200, icbLead: 200, pcnLead: 200, manager: 403, linkWorker: 403 })),
		get('report on the whole service', (f) => `/instruments/${f.rounds.a1.instrument_version_id}/report?scope=service`, signedIn({ admin: 200, icbLead: 404, pcnLead: 404, manager: 403, linkWorker: 403 })),
		get('report on the ICB lead’s ICB', (f) => `/instruments/${f.rounds.a1.instrument_version_id}/report?scope=icb:${f.icb.id}`, signedIn({ admin: 200, icbLead: 200, pcnLead: 404, manager: 403, linkWorker: 403 })),
		get('report on another ICB', (f) => `/instruments/${f.rounds.a1.instrument_version_id}/report?scope=icb:${f.otherIcb.id}`, signedIn({ admin: 200, icbLead: 404, pcnLead: 404, manager: 403, linkWorker: 403 })),
		get('report on PCN A (lead’s PCN)', (f) => `/instruments/${f.rounds.a1.instrument_version_id}/report?scope=pcn:${f.pcns.a.id}`, signedIn({ admin: 200, icbLead: 200, pcnLead: 200, manager: 403, linkWorker: 403 })),
		get('report on PCN B (in the ICB lead’s ICB)', (f) => `/instruments/${f.rounds.a1.instrument_version_id}/report?scope=pcn:${f.pcns.b.id}`, signedIn({ admin: 200, icbLead: 200, pcnLead: 404, manager: 403, linkWorker: 403 })),
		get('report on PCN C (another ICB)', (f) => `/instruments/${f.rounds.a1.instrument_version_id}/report?scope=pcn:${f.pcns.c.id}`, signedIn({ admin: 200, icbLead: 404, pcnLead: 404, manager: 403, linkWorker: 403 })),
		get('report with a scope that names nothing', (f) => `/instruments/${f.rounds.a1.instrument_version_id}/report?scope=pcn:abc`, signedIn({ admin: 404, icbLead: 404, pcnLead: 404, manager: 403, linkWorker: 403 })),
		get('report of a version that does not exist', () => '/instruments/999999/report', signedIn({ admin: 404, icbLead: 404, pcnLead: 404, manager: 403, linkWorker: 403 })),
		get('report with a malformed version id', () => '/instruments/abc/report', signedIn({ admin: 404, icbLead: 404, pcnLead: 404, manager: 403, linkWorker: 403 }))
	],
	'/instruments/[versionId]/report/report.csv': [
		get('report CSV on PCN A', (f) => `/instruments/${f.rounds.a1.instrument_version_id}/report/report.csv?scope=pcn:${f.pcns.a.id}`, signedIn({ admin: 200, icbLead: 200, pcnLead: 200, manager: 403, linkWorker: 403 })),
		get('report CSV on the whole service', (f) => `/instruments/${f.rounds.a1.instrument_version_id}/report/report.csv?scope=service`, signedIn({ admin: 200, icbLead: 404, pcnLead: 404, manager: 403, linkWorker: 403 })),
		get('report CSV on PCN C (another ICB)', (f) => `/instruments/${f.rounds.a1.instrument_version_id}/report/report.csv?scope=pcn:${f.pcns.c.id}`, signedIn({ admin: 200, icbLead: 404, pcnLead: 404, manager: 403, linkWorker: 403 }))
	],
	'/instruments/[versionId]/report/report.xlsx': [
		get('report workbook on PCN A', (f) => `/instruments/${f.rounds.a1.instrument_version_id}/report/report.xlsx?scope=pcn:${f.pcns.a.id}`, signedIn({ admin: 200, icbLead: 200, pcnLead: 200, manager: 403, linkWorker: 403 })),
		get('report workbook on the whole service', (f) => `/instruments/${f.rounds.a1.instrument_version_id}/report/report.xlsx?scope=service`, signedIn({ admin: 200, icbLead: 404, pcnLead: 404, manager: 403, linkWorker: 403 })),
		get('report workbook on PCN C (another ICB)', (f) => `/instruments/${f.rounds.a1.instrument_version_id}/report/report.xlsx?scope=pcn:${f.pcns.c.id}`, signedIn({ admin: 200, icbLead: 404, pcnLead: 404, manager: 403, linkWorker: 403 }))
	],
	'/pcns/[pcnId]/summary': [
		get('PCN summary of PCN A (lead’s PCN)', (f) => `/pcns/${f.pcns.a.id}/summary`, signedIn({ admin: 403, icbLead: 200, pcnLead: 200, manager: 403, linkWorker: 403 })),
		get('PCN summary of PCN A with an invalid period', (f) => `/pcns/${f.pcns.a.id}/summary?from=2026-13-45&to=nonsense&sort=rank`,
			signedIn({ admin: 403, icbLead: 200, pcnLead: 200, manager: 403, linkWorker: 403 })),
		get('PCN summary of PCN B (other PCN, in the ICB lead’s ICB)', (f) => `/pcns/${f.pcns.b.id}/summary`, signedIn({ admin: 403, icbLead: 200, pcnLead: 404, manager: 403, linkWorker: 403 })),
		get('PCN summary of PCN C (another ICB)', (f) => `/pcns/${f.pcns.c.id}/summary`, signedIn({ admin: 403, icbLead: 404, pcnLead: 404, manager: 403, linkWorker: 403 })),
		get('PCN summary of a PCN that does not exist', () => '/pcns/999999/summary', signedIn({ admin: 403, icbLead: 404, pcnLead: 404, manager: 403, linkWorker: 403 }))
	],
	'/icbs/[icbId]': [
		get('ICB dashboard of the ICB lead’s ICB', (f) => `/icbs/${f.icb.id}`, signedIn({ admin: 403, icbLead: 200, pcnLead: 403, manager: 403, linkWorker: 403 })),
		get('ICB dashboard with an invalid period', (f) => `/icbs/${f.icb.id}?from=2026-13-45&to=nonsense`, signedIn({ admin: 403, icbLead: 200, pcnLead: 403, manager: 403, linkWorker: 403 })),
		get('ICB dashboard of another ICB', (f) => `/icbs/${f.otherIcb.id}`, signedIn({ admin: 403, icbLead: 404, pcnLead: 403, manager: 403, linkWorker: 403 })),
		get('ICB dashboard of an ICB that does not exist', () => '/icbs/999999', signedIn({ admin: 403, icbLead: 404, pcnLead: 403, manager: 403, linkWorker: 403 })),
		get('ICB dashboard with a malformed id', () => '/icbs/1e0', signedIn({ admin: 403, icbLead: 404, pcnLead: 403, manager: 403, linkWorker: 403 }))
	],
	'/icbs/[icbId]/export/[kind]': [
		get('PCNs CSV of the ICB lead’s ICB', (f) => `/icbs/${f.icb.id}/export/pcns.csv`, signedIn({ admin: 403, icbLead: 200, pcnLead: 403, manager: 403, linkWorker: 403 })),
		get('half-years CSV of the ICB lead’s ICB', (f) => `/icbs/${f.icb.id}/export/over-time.csv`, signedIn({ admin: 403, icbLead: 200, pcnLead: 403, manager: 403, linkWorker: 403 })),
		get('gaps CSV of the ICB lead’s ICB', (f) => `/icbs/${f.icb.id}/export/gaps.csv`, signedIn({ admin: 403, icbLead: 200, pcnLead: 403, manager: 403, linkWorker: 403 })),
		get('PCNs workbook of the ICB lead’s ICB', (f) => `/icbs/${f.icb.id}/export/pcns.xlsx`, signedIn({ admin: 403, icbLead: 200, pcnLead: 403, manager: 403, linkWorker: 403 })),
		get('half-years workbook of the ICB lead’s ICB', (f) => `/icbs/${f.icb.id}/export/over-time.xlsx`, signedIn({ admin: 403, icbLead: 200, pcnLead: 403, manager: 403, linkWorker: 403 })),
		get('gaps workbook of another ICB', (f) => `/icbs/${f.otherIcb.id}/export/gaps.xlsx`, signedIn({ admin: 403, icbLead: 404, pcnLead: 403, manager: 403, linkWorker: 403 })),
		get('PCNs CSV with the period the wrong way round', (f) => `/icbs/${f.icb.id}/export/pcns.csv?from=2026-10-01&to=2026-01-01`, signedIn({ admin: 403, icbLead: 400, pcnLead: 403, manager: 403, linkWorker: 403 })),
		get('PCNs CSV of another ICB', (f) => `/icbs/${f.otherIcb.id}/export/pcns.csv`, signedIn({ admin: 403, icbLead: 404, pcnLead: 403, manager: 403, linkWorker: 403 })),
		get('an ICB download that does not exist', (f) => `/icbs/${f.icb.id}/export/comments.csv`, signedIn({ admin: 403, icbLead: 404, pcnLead: 403, manager: 403, linkWorker: 403 }))
	],
	'/practices/[practiceId]/rounds/new': [
		get('new round at A1', (f) => `/practices/${f.practices.a1.id}/rounds/new`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 200, linkWorker: 403 })),
		get('new round at A2 (lead’s PCN only)', (f) => `/practices/${f.practices.a2.id}/rounds/new`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 404, linkWorker: 403 })),
		get('new round at B1 (other PCN)', (f) => `/practices/${f.practices.b1.id}/rounds/new`, signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 403 })),
		get('new round at a practice that does not exist', () => '/practices/999999/rounds/new', signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 403 })),
		post('new round at A1 (empty form)', (f) => `/practices/${f.practices.a1.id}/rounds/new`, signedIn({ admin: 403, icbLead: 403, pcnLead: 400, manager: 400, linkWorker: 403 })),
		post('new round at B1 (other PCN)', (f) => `/practices/${f.practices.b1.id}/rounds/new`, signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 403 }))
	],
	// The infrastructure checklist: only link workers, only at practices they serve.
	'/practices/[practiceId]/checklist': [
		get('checklist at A1 (link worker’s practice)', (f) => `/practices/${f.practices.a1.id}/checklist`, signedIn({ admin: 403, icbLead: 403, pcnLead: 403, manager: 403, linkWorker: 200 })),
		get('checklist at B1 (link worker’s practice in the other PCN)', (f) => `/practices/${f.practices.b1.id}/checklist`, signedIn({ admin: 403, icbLead: 403, pcnLead: 403, manager: 403, linkWorker: 200 })),
		get('checklist at A2 (not the link worker’s)', (f) => `/practices/${f.practices.a2.id}/checklist`, signedIn({ admin: 403, icbLead: 403, pcnLead: 403, manager: 403, linkWorker: 404 })),
		get('checklist at a practice that does not exist', () => '/practices/999999/checklist', signedIn({ admin: 403, icbLead: 403, pcnLead: 403, manager: 403, linkWorker: 404 })),
		post('checklist at A1 with an empty form', (f) => `/practices/${f.practices.a1.id}/checklist`, signedIn({ admin: 403, icbLead: 403, pcnLead: 403, manager: 403, linkWorker: 400 })),
		post('checklist at A1 with an unknown item', (f) => `/practices/${f.practices.a1.id}/checklist`, signedIn({ admin: 403, icbLead: 403, pcnLead: 403, manager: 403, linkWorker: 400 }),
			() => ({ 'status-hot-desk': 'missing', 'visibility-hot-desk': 'pcn_only' })),
		post('checklist at A2 (not the link worker’s)', (f) => `/practices/${f.practices.a2.id}/checklist`, signedIn({ admin: 403, icbLead: 403, pcnLead: 403, manager: 403, linkWorker: 404 }),
			() => ({ 'status-induction': 'in_place' }))
	],
	// Flags: which flags each person sees is decided in flags.ts; a PCN-lead-only flag is "not found" to the manager.
	'/practices/[practiceId]/flags': [
		get('flags at A1', (f) => `/practices/${f.practices.a1.id}/flags`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 200, linkWorker: 200 })),
		get('flags at A2 (lead’s PCN only)', (f) => `/practices/${f.practices.a2.id}/flags`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 404, linkWorker: 404 })),
		get('flags at B1 (other PCN; link worker’s practice)', (f) => `/practices/${f.practices.b1.id}/flags`, signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 200 })),
		get('flags at a practice that does not exist', () => '/practices/999999/flags', signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 404 })),
		post('comment on the shared flag at A1', (f) => `/practices/${f.practices.a1.id}/flags?/comment`, signedIn({ admin: 403, icbLead: 403, pcnLead: 303, manager: 303, linkWorker: 303 }),
			(f) => ({ flagId: String(f.flags.a1Shared.id), comment: 'Checked by the access matrix' })),
		post('comment on the PCN-lead-only flag at A1', (f) => `/practices/${f.practices.a1.id}/flags?/comment`, signedIn({ admin: 403, icbLead: 403, pcnLead: 303, manager: 404, linkWorker: 303 }),
			(f) => ({ flagId: String(f.flags.a1PcnOnly.id), comment: 'Checked by the access matrix' })),
		// Skipping a step is refused for those who see the flag, so nothing changes.
		post('move the PCN-lead-only flag at A1 straight to in progress', (f) => `/practices/${f.practices.a1.id}/flags?/state`, signedIn({ admin: 403, icbLead: 403, pcnLead: 400, manager: 404, linkWorker: 400 }),
			(f) => ({ flagId: String(f.flags.a1PcnOnly.id), to: 'in_progress' })),
		post('change a flag with an empty form', (f) => `/practices/${f.practices.a1.id}/flags?/state`, signedIn({ admin: 403, icbLead: 403, pcnLead: 400, manager: 400, linkWorker: 400 })),
		post('change an A1 flag through B1’s page', (f) => `/practices/${f.practices.b1.id}/flags?/state`, signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 404 }),
			(f) => ({ flagId: String(f.flags.a1Shared.id), to: 'resolved' }))
	],
	// Actions: everyone who reads the practice's results sees them; managers and PCN leads change them;
	// an action on a PCN-lead-only flag is "not found" to the manager, like the flag.
	// The survey calendar: for those who run rounds, at practices in their scope.
	'/practices/[practiceId]/calendar': [
		get('calendar of A1', (f) => `/practices/${f.practices.a1.id}/calendar`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 200, linkWorker: 403 })),
		get('calendar of A2 (lead’s PCN only)', (f) => `/practices/${f.practices.a2.id}/calendar`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 404, linkWorker: 403 })),
		get('calendar of B1 (other PCN)', (f) => `/practices/${f.practices.b1.id}/calendar`, signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 403 })),
		get('calendar of a practice that does not exist', () => '/practices/999999/calendar', signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 403 })),
		post('save A1’s calendar with an empty form', (f) => `/practices/${f.practices.a1.id}/calendar?/save`, signedIn({ admin: 403, icbLead: 403, pcnLead: 400, manager: 400, linkWorker: 403 })),
		post('save B1’s calendar (other PCN)', (f) => `/practices/${f.practices.b1.id}/calendar?/save`, signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 403 }),
			() => ({ cadence: 'every', everyMonths: '6', anchorOn: '2099-01-05', lengthWeeks: '3', headcountSource: 'last_round' })),
		// Switching off asks first (?confirm=stop): a post without that step changes nothing.
		post('switch off A1’s calendar without confirming', (f) => `/practices/${f.practices.a1.id}/calendar?/stop`, signedIn({ admin: 403, icbLead: 403, pcnLead: 400, manager: 400, linkWorker: 403 })),
		post('switch off A1’s calendar when it has none', (f) => `/practices/${f.practices.a1.id}/calendar?/stop`, signedIn({ admin: 403, icbLead: 403, pcnLead: 409, manager: 409, linkWorker: 403 }),
			() => ({ confirm: 'stop' })),
		get('the question before switching off A1’s calendar', (f) => `/practices/${f.practices.a1.id}/calendar?confirm=stop`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 200, linkWorker: 403 }))
	],
	// The calendar's rounds as an .ics download: guarded exactly as the calendar page.
	'/practices/[practiceId]/calendar.ics': [
		get('.ics of A1', (f) => `/practices/${f.practices.a1.id}/calendar.ics`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 200, linkWorker: 403 })),
		get('.ics of A2 (lead’s PCN only)', (f) => `/practices/${f.practices.a2.id}/calendar.ics`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 404, linkWorker: 403 })),
		get('.ics of B1 (other PCN)', (f) => `/practices/${f.practices.b1.id}/calendar.ics`, signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 403 })),
		get('.ics of a practice that does not exist', () => '/practices/999999/calendar.ics', signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 403 }))
	],
	'/practices/[practiceId]/actions': [
		get('actions at A1', (f) => `/practices/${f.practices.a1.id}/actions`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 200, linkWorker: 200 })),
		get('actions at A2 (lead’s PCN only)', (f) => `/practices/${f.practices.a2.id}/actions`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 404, linkWorker: 404 })),
		get('actions at B1 (other PCN; link worker’s practice)', (f) => `/practices/${f.practices.b1.id}/actions`, signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 200 })),
		get('actions at a practice that does not exist', () => '/practices/999999/actions', signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 404 })),
		post('record an action at A1 with an empty form', (f) => `/practices/${f.practices.a1.id}/actions?/record`, signedIn({ admin: 403, icbLead: 403, pcnLead: 400, manager: 400, linkWorker: 403 })),
		post('record an action at A2 (lead’s PCN only)', (f) => `/practices/${f.practices.a2.id}/actions?/record`, signedIn({ admin: 403, icbLead: 403, pcnLead: 400, manager: 404, linkWorker: 403 })),
		post('mark the action on the PCN-lead-only flag done in the future (refused)', (f) => `/practices/${f.practices.a1.id}/actions?/done`,
			signedIn({ admin: 403, icbLead: 403, pcnLead: 400, manager: 404, linkWorker: 403 }),
			(f) => ({ actionId: String(f.actions.a1OnPcnOnly.id), doneOn: '2099-01-01' })),
		post('delete an A1 action through B1’s page', (f) => `/practices/${f.practices.b1.id}/actions?/delete`, signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 403 }),
			(f) => ({ actionId: String(f.actions.a1OnPcnOnly.id), confirm: 'delete' })),
		// Deleting asks first (?confirm=delete&action=…); without that step nothing goes.
		post('delete the action on the PCN-lead-only flag without confirming', (f) => `/practices/${f.practices.a1.id}/actions?/delete`,
			signedIn({ admin: 403, icbLead: 403, pcnLead: 400, manager: 400, linkWorker: 403 }), (f) => ({ actionId: String(f.actions.a1OnPcnOnly.id) })),
		get('the question before deleting the action on the PCN-lead-only flag', (f) => `/practices/${f.practices.a1.id}/actions?confirm=delete&action=${f.actions.a1OnPcnOnly.id}`,
			signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 200, linkWorker: 200 }))
	],
	'/rounds/[roundId]/export/[kind]': [
		get('scores CSV at A1', (f) => `/rounds/${f.rounds.a1.id}/export/scores.csv`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 200, linkWorker: 200 })),
		get('scores CSV at A2 (lead’s PCN only)', (f) => `/rounds/${f.rounds.a2.id}/export/scores.csv`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 404, linkWorker: 404 })),
		get('scores CSV at B1 (other PCN; link worker’s practice)', (f) => `/rounds/${f.rounds.b1.id}/export/scores.csv`, signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 200 })),
		get('items CSV at A1', (f) => `/rounds/${f.rounds.a1.id}/export/items.csv`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 200, linkWorker: 200 })),
		get('raw answers at A1 (no responses: refused)', (f) => `/rounds/${f.rounds.a1.id}/export/answers.csv`, signedIn({ admin: 403, icbLead: 403, pcnLead: 409, manager: 409, linkWorker: 403 })),
		get('raw answers at B1', (f) => `/rounds/${f.rounds.b1.id}/export/answers.csv`, signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 403 })),
		get('scores workbook at A1', (f) => `/rounds/${f.rounds.a1.id}/export/scores.xlsx`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 200, linkWorker: 200 })),
		get('items workbook at A2 (lead’s PCN only)', (f) => `/rounds/${f.rounds.a2.id}/export/items.xlsx`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 404, linkWorker: 404 })),
		get('raw answers workbook at A1 (no responses: refused)', (f) => `/rounds/${f.rounds.a1.id}/export/answers.xlsx`, signedIn({ admin: 403, icbLead: 403, pcnLead: 409, manager: 409, linkWorker: 403 })),
		get('raw answers workbook at B1', (f) => `/rounds/${f.rounds.b1.id}/export/answers.xlsx`, signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 403 })),
		get('a format that does not exist', (f) => `/rounds/${f.rounds.a1.id}/export/scores.xls`, signedIn({ admin: 404, icbLead: 404, pcnLead: 404, manager: 404, linkWorker: 404 })),
		get('an export that does not exist', (f) => `/rounds/${f.rounds.a1.id}/export/comments.csv`, signedIn({ admin: 404, icbLead: 404, pcnLead: 404, manager: 404, linkWorker: 404 })),
		get('export of a round that does not exist', () => '/rounds/999999/export/scores.csv', signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 404 })),
		get('export with a malformed round id', () => '/rounds/abc/export/scores.csv', signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 404 }))
	],
	'/rounds/[roundId]/share': [
		get('sharing an open round at A1', (f) => `/rounds/${f.rounds.a1Open.id}/share`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 200, linkWorker: 403 })),
		get('sharing a closed round at A1 (explained, no link)', (f) => `/rounds/${f.rounds.a1.id}/share`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 200, linkWorker: 403 })),
		get('sharing a round at A2 (lead’s PCN only)', (f) => `/rounds/${f.rounds.a2.id}/share`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 404, linkWorker: 403 })),
		get('sharing a round at B1 (other PCN)', (f) => `/rounds/${f.rounds.b1.id}/share`, signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 403 })),
		get('sharing a round that does not exist', () => '/rounds/999999/share', signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 403 })),
		post('codes with no count', (f) => `/rounds/${f.rounds.a1Open.id}/share?/issueCodes`, signedIn({ admin: 403, icbLead: 403, pcnLead: 400, manager: 400, linkWorker: 403 })),
		post('codes for a round that takes no codes', (f) => `/rounds/${f.rounds.a1Open.id}/share?/issueCodes`, signedIn({ admin: 403, icbLead: 403, pcnLead: 409, manager: 409, linkWorker: 403 }), () => ({ count: '5' })),
		post('codes at B1 (other PCN)', (f) => `/rounds/${f.rounds.b1.id}/share?/issueCodes`, signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 403 }), () => ({ count: '5' }))
	],
	'/rounds/[roundId]/edit': [
		get('changing an open round at A1', (f) => `/rounds/${f.rounds.a1Open.id}/edit`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 200, linkWorker: 403 })),
		get('changing a draft at A1', (f) => `/rounds/${f.rounds.a1Draft.id}/edit`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 200, linkWorker: 403 })),
		get('changing a closed round at A1 (explained, no form)', (f) => `/rounds/${f.rounds.a1.id}/edit`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 200, linkWorker: 403 })),
		get('changing a round at A2 (lead’s PCN only)', (f) => `/rounds/${f.rounds.a2.id}/edit`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 404, linkWorker: 403 })),
		get('changing a round at B1 (other PCN)', (f) => `/rounds/${f.rounds.b1.id}/edit`, signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 403 })),
		get('changing a round that does not exist', () => '/rounds/999999/edit', signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 403 })),
		get('changing a round with a malformed id', () => '/rounds/abc/edit', signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 403 })),
		post('change an open round at A1 (empty form)', (f) => `/rounds/${f.rounds.a1Open.id}/edit`, signedIn({ admin: 403, icbLead: 403, pcnLead: 400, manager: 400, linkWorker: 403 })),
		// Refused, so the fixture stays as it is for the other probes.
		post('move the opening date of the open round at A1 (it has opened)', (f) => `/rounds/${f.rounds.a1Open.id}/edit`,
			signedIn({ admin: 403, icbLead: 403, pcnLead: 400, manager: 400, linkWorker: 403 }),
			(f) => ({ title: f.rounds.a1Open.title, opensOn: '2099-01-01', closesOn: f.rounds.a1Open.closes_on, staffHeadcount: '20' })),
		post('change a closed round at A1', (f) => `/rounds/${f.rounds.a1.id}/edit`, signedIn({ admin: 403, icbLead: 403, pcnLead: 409, manager: 409, linkWorker: 403 }),
			() => ({ title: 'A1 winter', closesOn: '2099-12-31', staffHeadcount: '20' })),
		post('change a round at A2 (lead’s PCN only; empty form)', (f) => `/rounds/${f.rounds.a2.id}/edit`, signedIn({ admin: 403, icbLead: 403, pcnLead: 400, manager: 404, linkWorker: 403 })),
		post('change a round at B1 (other PCN)', (f) => `/rounds/${f.rounds.b1.id}/edit`, signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 403 }),
			() => ({ title: 'B1 winter', closesOn: '2099-12-31', staffHeadcount: '20' })),
		post('change a round that does not exist', () => '/rounds/999999/edit', signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 403 }))
	],
	'/rounds/[roundId]/qr.svg': [
		get('QR code of an open round at A1', (f) => `/rounds/${f.rounds.a1Open.id}/qr.svg`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 200, linkWorker: 403 })),
		get('QR code of a closed round at A1', (f) => `/rounds/${f.rounds.a1.id}/qr.svg`, signedIn({ admin: 403, icbLead: 403, pcnLead: 409, manager: 409, linkWorker: 403 })),
		get('QR code of a draft at A1', (f) => `/rounds/${f.rounds.a1Draft.id}/qr.svg`, signedIn({ admin: 403, icbLead: 403, pcnLead: 409, manager: 409, linkWorker: 403 })),
		get('QR code at B1 (other PCN)', (f) => `/rounds/${f.rounds.b1.id}/qr.svg`, signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 403 })),
		get('QR code of a round that does not exist', () => '/rounds/abc/qr.svg', signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 403 }))
	],
	'/rounds/[roundId]/poster': [
		get('poster of an open round at A1', (f) => `/rounds/${f.rounds.a1Open.id}/poster`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 200, linkWorker: 403 })),
		get('poster at A2 (lead’s PCN only)', (f) => `/rounds/${f.rounds.a2.id}/poster`, signedIn({ admin: 403, icbLead: 403, pcnLead: 200, manager: 404, linkWorker: 403 })),
		get('poster at B1 (other PCN)', (f) => `/rounds/${f.rounds.b1.id}/poster`, signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 403 })),
		get('poster of a round that does not exist', () => '/rounds/999999/poster', signedIn({ admin: 403, icbLead: 403, pcnLead: 404, manager: 404, linkWorker: 403 }))
	],
	'/admin': [get('admin home', () => '/admin', adminOnly(200))],
	'/admin/organisations': [
		get('organisations list', () => '/admin/organisations', adminOnly(200)),
		post('add an ICB (empty form)', () => '/admin/organisations?/addIcb', adminOnly(400)),
		post('add a PCN (empty form)', () => '/admin/organisations?/addPcn', adminOnly(400)),
		post('add a practice (empty form)', () => '/admin/organisations?/addPractice', adminOnly(400))
	],
	'/admin/icbs/[icbId]': [
		get('an ICB', (f) => `/admin/icbs/${f.icb.id}`, adminOnly(200)),
		get('an ICB that does not exist', () => '/admin/icbs/999999', adminOnly(404)),
		post('edit an ICB (empty form)', (f) => `/admin/icbs/${f.icb.id}`, adminOnly(400))
	],
	'/admin/pcns/[pcnId]': [
		get('a PCN', (f) => `/admin/pcns/${f.pcns.a.id}`, adminOnly(200)),
		get('a PCN that does not exist', () => '/admin/pcns/999999', adminOnly(404)),
		post('edit a PCN (empty form)', (f) => `/admin/pcns/${f.pcns.a.id}`, adminOnly(400))
	],
	'/admin/practices/[practiceId]': [
		get('a practice', (f) => `/admin/practices/${f.practices.a1.id}`, adminOnly(200)),
		get('a practice that does not exist', () => '/admin/practices/999999', adminOnly(404)),
		post('edit a practice (empty form)', (f) => `/admin/practices/${f.practices.a1.id}?/save`, adminOnly(400)),
		post('move a practice (empty form)', (f) => `/admin/practices/${f.practices.a1.id}?/move`, adminOnly(400))
	],
	'/admin/import': [
		get('CSV import', () => '/admin/import', adminOnly(200)),
		post('check a CSV (empty form)', () => '/admin/import?/check', adminOnly(400)),
		post('import a CSV (empty form)', () => '/admin/import?/import', adminOnly(400))
	],
	// The instrument library (issue 29): everyone reads what they may use; admins and ICB leads import.
	'/instruments': [get('instrument library', () => '/instruments', signedIn({ admin: 200, icbLead: 200, pcnLead: 200, manager: 200, linkWorker: 200 }))],
	'/instruments/import': [
		get('instrument import', () => '/instruments/import', signedIn({ admin: 200, icbLead: 200, pcnLead: 403, manager: 403, linkWorker: 403 })),
		post('preview an instrument (empty form)', () => '/instruments/import?/preview', signedIn({ admin: 400, icbLead: 400, pcnLead: 403, manager: 403, linkWorker: 403 })),
		post('check an item bank (empty form)', () => '/instruments/import?/previewItemBank', signedIn({ admin: 400, icbLead: 400, pcnLead: 403, manager: 403, linkWorker: 403 })),
		post('store an instrument (empty form)', () => '/instruments/import?/confirm', signedIn({ admin: 400, icbLead: 400, pcnLead: 403, manager: 403, linkWorker: 403 }))
	],
	'/instruments/[versionId]': [
		get('the built-in staff version', (f) => `/instruments/${f.rounds.a1.instrument_version_id}`, signedIn({ admin: 200, icbLead: 200, pcnLead: 200, manager: 200, linkWorker: 200 })),
		get('a version that does not exist', () => '/instruments/999999', signedIn({ admin: 404, icbLead: 404, pcnLead: 404, manager: 404, linkWorker: 404 })),
		get('a malformed version id', () => '/instruments/abc', signedIn({ admin: 404, icbLead: 404, pcnLead: 404, manager: 404, linkWorker: 404 })),
		// Built-in versions are offered to every practice, always.
		post('offer the built-in version only to some ICBs', (f) => `/instruments/${f.rounds.a1.instrument_version_id}?/offer`,
			signedIn({ admin: 409, icbLead: 409, pcnLead: 403, manager: 403, linkWorker: 403 }), () => ({ offeredTo: 'icbs' })),
		post('offer a version that does not exist', () => '/instruments/999999?/offer',
			signedIn({ admin: 404, icbLead: 404, pcnLead: 403, manager: 403, linkWorker: 403 }), () => ({ offeredTo: 'icbs' }))
	],
	'/instruments/[versionId]/diff': [
		get('the built-in version beside itself', (f) => `/instruments/${f.rounds.a1.instrument_version_id}/diff?against=${f.rounds.a1.instrument_version_id}`,
			signedIn({ admin: 200, icbLead: 200, pcnLead: 200, manager: 200, linkWorker: 200 })),
		get('beside a version that does not exist', (f) => `/instruments/${f.rounds.a1.instrument_version_id}/diff?against=999999`,
			signedIn({ admin: 404, icbLead: 404, pcnLead: 404, manager: 404, linkWorker: 404 }))
	],
	'/instruments/[versionId]/export/[format]': [
		get('the built-in version as JSON', (f) => `/instruments/${f.rounds.a1.instrument_version_id}/export/json`, signedIn({ admin: 200, icbLead: 200, pcnLead: 200, manager: 200, linkWorker: 200 })),
		get('the built-in version as an item bank', (f) => `/instruments/${f.rounds.a1.instrument_version_id}/export/items`, signedIn({ admin: 200, icbLead: 200, pcnLead: 200, manager: 200, linkWorker: 200 })),
		get('the built-in version as a FHIR Questionnaire', (f) => `/instruments/${f.rounds.a1.instrument_version_id}/export/fhir`, signedIn({ admin: 200, icbLead: 200, pcnLead: 200, manager: 200, linkWorker: 200 })),
		get('the built-in version as a REDCap data dictionary', (f) => `/instruments/${f.rounds.a1.instrument_version_id}/export/redcap`, signedIn({ admin: 200, icbLead: 200, pcnLead: 200, manager: 200, linkWorker: 200 })),
		get('a version that does not exist, as FHIR', () => '/instruments/999999/export/fhir', signedIn({ admin: 404, icbLead: 404, pcnLead: 404, manager: 404, linkWorker: 404 })),
		get('in a format there is not', (f) => `/instruments/${f.rounds.a1.instrument_version_id}/export/xml`, signedIn({ admin: 404, icbLead: 404, pcnLead: 404, manager: 404, linkWorker: 404 }))
	],
	// Only the owner edits: the built-in instruments belong to the whole service, so to administrators.
	'/instruments/[versionId]/statements': [
		get('edit the built-in version’s statements in a spreadsheet', (f) => `/instruments/${f.rounds.a1.instrument_version_id}/statements`, adminOnly(200)),
		get('edit the statements of a version that does not exist', () => '/instruments/999999/statements', signedIn({ admin: 404, icbLead: 404, pcnLead: 403, manager: 403, linkWorker: 403 })),
		post('check an edited item bank (empty form)', (f) => `/instruments/${f.rounds.a1.instrument_version_id}/statements?/preview`, adminOnly(400))
	],
	'/instruments/[versionId]/edit': [
		get('edit the built-in version', (f) => `/instruments/${f.rounds.a1.instrument_version_id}/edit`, adminOnly(200)),
		post('store edits without a version number', (f) => `/instruments/${f.rounds.a1.instrument_version_id}/edit`, adminOnly(400), () => ({ version: '' }))
	],
	'/admin/import/example.csv': [get('example CSV', () => '/admin/import/example.csv', adminOnly(200))],
	'/admin/audit': [
		get('audit log', () => '/admin/audit', adminOnly(200)),
		get('audit log with a bad filter (explained on the page)', () => '/admin/audit?from=not-a-date', adminOnly(200))
	],
	'/admin/security': [
		get('sign-in security', () => '/admin/security', adminOnly(200)),
		post('require two-step sign-in for a role that does not exist', () => '/admin/security', adminOnly(400), () => ({ roles: 'owner' }))
	],
	'/admin/mail': [
		get('outgoing mail', () => '/admin/mail', adminOnly(200)),
		post('send again a mail that does not exist', () => '/admin/mail?/retry', adminOnly(404), () => ({ mailId: '999999' }))
	],
	'/admin/audit/export': [get('audit log CSV', () => '/admin/audit/export', adminOnly(200)), get('audit log workbook', () => '/admin/audit/export?format=xlsx', adminOnly(200))],
	'/admin/jobs': [
		get('jobs', () => '/admin/jobs', adminOnly(200)),
		post('run a job that does not exist', () => '/admin/jobs?/run', adminOnly(400), () => ({ job: 'drop-everything' }))
	],
	'/admin/retention': [
		get('retention and legal holds', () => '/admin/retention', adminOnly(200)),
		post('hold a practice without a reason', () => '/admin/retention?/holdPractice', adminOnly(400), () => ({ odsCode: 'A10001', reason: '' })),
		post('hold a round that does not exist', () => '/admin/retention?/holdRound', adminOnly(404), () => ({ roundId: '999999', reason: 'Complaint' })),
		post('release a hold that does not exist', () => '/admin/retention?/release', adminOnly(404), () => ({ holdId: '999999', understood: 'yes' }))
	],
	'/users': [get('people list', () => '/users', signedIn({ admin: 200, icbLead: 200, pcnLead: 200, manager: 403, linkWorker: 403 }))],
	'/users/invite': [
		get('invitation form', () => '/users/invite', signedIn({ admin: 200, icbLead: 200, pcnLead: 200, manager: 403, linkWorker: 403 })),
		post('invite (empty form)', () => '/users/invite', signedIn({ admin: 400, icbLead: 400, pcnLead: 400, manager: 403, linkWorker: 403 }))
	],
	'/users/[userId]': [
		post('reset the two-step sign-in of a manager at A2 who has none', (f) => `/users/${f.others.managerA2.id}?/resetTwoStep`,
			signedIn({ admin: 409, icbLead: 403, pcnLead: 403, manager: 403, linkWorker: 403 }), () => ({ confirm: 'resetTwoStep' })),
		// No single sign-on on this server: nobody can be required to use it.
		post('require single sign-on for a manager at A2', (f) => `/users/${f.others.managerA2.id}?/requireSso`,
			signedIn({ admin: 409, icbLead: 403, pcnLead: 403, manager: 403, linkWorker: 403 }), () => ({ confirm: 'requireSso' })),
		// Each of these asks first (?confirm=…): a post without that step changes nothing.
		post('sign a person out everywhere without confirming', (f) => `/users/${f.others.spareA2.id}?/signOut`,
			signedIn({ admin: 400, icbLead: 403, pcnLead: 403, manager: 403, linkWorker: 403 })),
		post('switch a person off confirming another action', (f) => `/users/${f.others.spareA2.id}?/switchOff`,
			signedIn({ admin: 400, icbLead: 403, pcnLead: 403, manager: 403, linkWorker: 403 }), () => ({ confirm: 'signOut' })),
		get('the question before switching off a manager at A2', (f) => `/users/${f.others.managerA2.id}?confirm=switchOff`,
			signedIn({ admin: 200, icbLead: 404, pcnLead: 200, manager: 403, linkWorker: 403 })),
		post('allow password sign-in for a manager at A2 who already has it', (f) => `/users/${f.others.managerA2.id}?/allowPassword`,
			signedIn({ admin: 409, icbLead: 403, pcnLead: 403, manager: 403, linkWorker: 403 })),
		post('clear the single sign-on link of a manager at A2 who has none', (f) => `/users/${f.others.managerA2.id}?/unlinkSso`,
			signedIn({ admin: 409, icbLead: 403, pcnLead: 403, manager: 403, linkWorker: 403 }), () => ({ confirm: 'unlinkSso' })),
		post('require single sign-on for someone who does not exist', () => '/users/999999?/requireSso',
			signedIn({ admin: 404, icbLead: 403, pcnLead: 403, manager: 403, linkWorker: 403 }), () => ({ confirm: 'requireSso' })),
		get('a manager at A2 (lead’s PCN)', (f) => `/users/${f.others.managerA2.id}`, signedIn({ admin: 200, icbLead: 404, pcnLead: 200, manager: 403, linkWorker: 403 })),
		get('a manager at B1 (other PCN)', (f) => `/users/${f.others.managerB1.id}`, signedIn({ admin: 200, icbLead: 404, pcnLead: 404, manager: 403, linkWorker: 403 })),
		get('an admin', (f) => `/users/${f.users.admin.id}`, signedIn({ admin: 200, icbLead: 404, pcnLead: 404, manager: 403, linkWorker: 403 })),
		// An ICB lead sees the PCN leads of PCNs in their ICB, and nobody else, themselves included.
		get('the lead of PCN A (in the ICB)', (f) => `/users/${f.users.pcnLead.id}`, signedIn({ admin: 200, icbLead: 200, pcnLead: 200, manager: 403, linkWorker: 403 })),
		get('the ICB lead', (f) => `/users/${f.users.icbLead.id}`, signedIn({ admin: 200, icbLead: 404, pcnLead: 404, manager: 403, linkWorker: 403 })),
		get('a person who does not exist', () => '/users/999999', signedIn({ admin: 404, icbLead: 404, pcnLead: 404, manager: 403, linkWorker: 403 })),
		post('change role and scope (empty form)', (f) => `/users/${f.others.managerA2.id}?/update`, signedIn({ admin: 400, icbLead: 403, pcnLead: 403, manager: 403, linkWorker: 403 })),
		post('remove access at A2 (empty form)', (f) => `/users/${f.others.managerA2.id}?/removeAccess`, signedIn({ admin: 400, icbLead: 403, pcnLead: 400, manager: 403, linkWorker: 403 })),
		post('remove access at B1 (empty form)', (f) => `/users/${f.others.managerB1.id}?/removeAccess`, signedIn({ admin: 400, icbLead: 403, pcnLead: 404, manager: 403, linkWorker: 403 })),
		post('issue a reset link', (f) => `/users/${f.others.spareA2.id}?/reset`, signedIn({ admin: 200, icbLead: 403, pcnLead: 403, manager: 403, linkWorker: 403 })),
		post('sign a person out everywhere', (f) => `/users/${f.others.spareA2.id}?/signOut`, signedIn({ admin: 303, icbLead: 403, pcnLead: 403, manager: 403, linkWorker: 403 }),
			() => ({ confirm: 'signOut' })),
		post('switch a person off', (f) => `/users/${f.others.spareA2.id}?/switchOff`, signedIn({ admin: 303, icbLead: 403, pcnLead: 403, manager: 403, linkWorker: 403 }),
			() => ({ confirm: 'switchOff' })),
		post('switch a person on', (f) => `/users/${f.others.spareA2.id}?/switchOn`, signedIn({ admin: 303, icbLead: 403, pcnLead: 403, manager: 403, linkWorker: 403 })),
		post('re-send an invitation at A2', (f) => `/users/${f.others.invitedA2.id}?/reinvite`, signedIn({ admin: 200, icbLead: 404, pcnLead: 200, manager: 403, linkWorker: 403 })),
		post('re-send an invitation at B1', (f) => `/users/${f.others.invitedB1.id}?/reinvite`, signedIn({ admin: 200, icbLead: 404, pcnLead: 404, manager: 403, linkWorker: 403 })),
		post('re-send an invitation to the lead of PCN B (wholly in the ICB)', (f) => `/users/${f.others.invitedLeadB.id}?/reinvite`,
			signedIn({ admin: 200, icbLead: 200, pcnLead: 404, manager: 403, linkWorker: 403 })),
		// Seen through PCN A, but PCN C is in another ICB: the administrator's to send again.
		post('re-send an invitation to the lead of PCNs A and C', (f) => `/users/${f.others.invitedLeadAC.id}?/reinvite`,
			signedIn({ admin: 200, icbLead: 403, pcnLead: 403, manager: 403, linkWorker: 403 }))
	],
	// Everything held about an account, and erasing it: administrators only, a 403 before any lookup.
	'/users/[userId]/export': [
		get('everything held about a manager at A2', (f) => `/users/${f.others.managerA2.id}/export`, adminOnly(200)),
		get('everything held about someone who does not exist', () => '/users/999999/export', adminOnly(404))
	],
	'/users/[userId]/erase': [
		get('the page that asks before erasing a manager at A2', (f) => `/users/${f.others.managerA2.id}/erase`, adminOnly(200)),
		get('erasing someone who does not exist', () => '/users/999999/erase', adminOnly(404)),
		// Nothing is erased here: the box is not ticked, or the administrator asks to erase themselves.
		post('erase a manager at A2 without ticking the box', (f) => `/users/${f.others.managerA2.id}/erase`, adminOnly(400)),
		post('erase the administrator’s own account', (f) => `/users/${f.users.admin.id}/erase`, adminOnly(400), () => ({ confirm: 'yes' }))
	],
	'/account': [
		get('own account', () => '/account', signedIn({ admin: 200, icbLead: 200, pcnLead: 200, manager: 200, linkWorker: 200 })),
		post('change password (empty form)', () => '/account?/changePassword', signedIn({ admin: 400, icbLead: 400, pcnLead: 400, manager: 400, linkWorker: 400 })),
		// Administrators see no results, so they have no API tokens.
		post('create an API token (empty form)', () => '/account?/createToken', signedIn({ admin: 403, icbLead: 400, pcnLead: 400, manager: 400, linkWorker: 400 })),
		post('revoke an API token that does not exist', () => '/account?/revokeToken', signedIn({ admin: 403, icbLead: 404, pcnLead: 404, manager: 404, linkWorker: 404 }),
			() => ({ tokenId: '999999', confirm: 'revokeToken' })),
		// Revoking and signing out everywhere ask first: a post without that step does nothing.
		post('revoke an API token without confirming', () => '/account?/revokeToken', signedIn({ admin: 403, icbLead: 400, pcnLead: 400, manager: 400, linkWorker: 400 }),
			() => ({ tokenId: '999999' })),
		post('sign out everywhere without confirming', () => '/account?/signOutEverywhere', signedIn({ admin: 400, icbLead: 400, pcnLead: 400, manager: 400, linkWorker: 400 })),
		get('the question before signing out everywhere', () => '/account?confirm=signOutEverywhere', signedIn({ admin: 200, icbLead: 200, pcnLead: 200, manager: 200, linkWorker: 200 })),
		// Only ever one's own notice; with none waiting there is nothing to clear.
		post('mark the administrator-reset notice read', () => '/account?/dismissResetNotice', signedIn({ admin: 303, icbLead: 303, pcnLead: 303, manager: 303, linkWorker: 303 })),
		post('confirm two-step sign-in with none being set up', () => '/account?/twoStepConfirm', signedIn({ admin: 409, icbLead: 409, pcnLead: 409, manager: 409, linkWorker: 409 }),
			() => ({ code: '123456' })),
		post('turn off two-step sign-in that is not on', () => '/account?/twoStepOff', signedIn({ admin: 409, icbLead: 409, pcnLead: 409, manager: 409, linkWorker: 409 }),
			() => ({ code: '123456' })),
		// Round reminders are for those who run rounds; ICB leads run none.
		post('choose a reminder that does not exist', () => '/account?/reminders', signedIn({ admin: 403, icbLead: 403, pcnLead: 400, manager: 400, linkWorker: 403 }),
			() => ({ notices: 'round_scores' }))
	],
	// The API takes personal tokens only: a session cookie, however valid, is not enough.
	'/api/v1/pcns/[pcnId]/heatmap': [
		get('API: heatmap of PCN A, with a session cookie only', (f) => `/api/v1/pcns/${f.pcns.a.id}/heatmap`, everyone(401))
	],
	'/api/v1/pcns/[pcnId]/rounds': [
		get('API: rounds of PCN A, with a session cookie only', (f) => `/api/v1/pcns/${f.pcns.a.id}/rounds`, everyone(401))
	],
	'/api/v1/icbs/[icbId]': [get('API: an ICB, with a session cookie only', (f) => `/api/v1/icbs/${f.icb.id}`, everyone(401))],
	'/api/v1/icbs/[icbId]/pcns': [get('API: an ICB’s PCNs, with a session cookie only', (f) => `/api/v1/icbs/${f.icb.id}/pcns`, everyone(401))],
	'/api/v1/icbs/[icbId]/over-time': [get('API: an ICB’s half-years, with a session cookie only', (f) => `/api/v1/icbs/${f.icb.id}/over-time`, everyone(401))],
	'/api/v1/icbs/[icbId]/gaps': [get('API: an ICB’s gaps, with a session cookie only', (f) => `/api/v1/icbs/${f.icb.id}/gaps`, everyone(401))],
	'/api/v1/instruments/[versionId]/report': [get('API: an instrument report, with a session cookie only', (f) => `/api/v1/instruments/${f.rounds.a1.instrument_version_id}/report`, everyone(401))],
	'/api/v1/me': [get('API: who am I, with a session cookie only', () => '/api/v1/me', everyone(401))],
	// The API's description holds no data: anyone may read it, signed in or not.
	'/api/v1/openapi.json': [
		get('API: the OpenAPI document', () => '/api/v1/openapi.json', everyone(200)),
		post('API: the OpenAPI document, posted to', () => '/api/v1/openapi.json', everyone(405))
	],
	'/api/v1/practices': [get('API: practices, with a session cookie only', () => '/api/v1/practices', everyone(401))],
	'/api/v1/practices/[practiceId]/rounds': [
		get('API: rounds at A1, with a session cookie only', (f) => `/api/v1/practices/${f.practices.a1.id}/rounds`, everyone(401)),
		get('API: rounds of a practice that does not exist, with a session cookie only', () => '/api/v1/practices/999999/rounds', everyone(401))
	],
	// The flat tables (issue 30): tokens only, like every API route; tests/integration/api-flat-tables.test.ts tries them by token.
	'/api/v1/practices/[practiceId]/scores': [get('API: score table of A1, with a session cookie only', (f) => `/api/v1/practices/${f.practices.a1.id}/scores`, everyone(401))],
	'/api/v1/practices/[practiceId]/statements': [get('API: statement table of A1, with a session cookie only', (f) => `/api/v1/practices/${f.practices.a1.id}/statements`, everyone(401))],
	'/api/v1/practices/[practiceId]/flags': [get('API: flags at A1, with a session cookie only', (f) => `/api/v1/practices/${f.practices.a1.id}/flags`, everyone(401))],
	'/api/v1/practices/[practiceId]/actions': [get('API: actions at A1, with a session cookie only', (f) => `/api/v1/practices/${f.practices.a1.id}/actions`, everyone(401))],
	'/api/v1/pcns/[pcnId]/scores': [get('API: score table of PCN A, with a session cookie only', (f) => `/api/v1/pcns/${f.pcns.a.id}/scores`, everyone(401))],
	'/api/v1/pcns/[pcnId]/statements': [get('API: statement table of PCN A, with a session cookie only', (f) => `/api/v1/pcns/${f.pcns.a.id}/statements`, everyone(401))],
	'/api/v1/icbs/[icbId]/scores': [get('API: score table of the ICB, with a session cookie only', (f) => `/api/v1/icbs/${f.icb.id}/scores`, everyone(401))],
	'/forgot-password': [
		get('forgotten password form', () => '/forgot-password', everyone(200)),
		post('forgotten password (empty form)', () => '/forgot-password', everyone(400))
	],
	'/invitation/[token]': [
		get('an unknown invitation', () => '/invitation/not-a-real-token', everyone(404)),
		post('accept an unknown invitation', () => '/invitation/not-a-real-token', everyone(404))
	],
	'/reset-password/[token]': [
		get('an unknown reset link', () => '/reset-password/not-a-real-token', everyone(404)),
		post('use an unknown reset link', () => '/reset-password/not-a-real-token', everyone(404))
	]
};

function routeFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return routeFiles(path);
		return /^\+(page\.server|server|page)\.(ts|svelte)$/.test(entry.name) ? [path] : [];
	});
}

/** The route ids the app serves, from the files under src/routes. */
function routeIds(): string[] {
	const root = join(process.cwd(), 'src', 'routes');
	const ids = routeFiles(root).map((file) => {
		const segments = relative(root, file).split(sep).slice(0, -1).filter((s) => !/^\(.+\)$/.test(s));
		return `/${segments.join('/')}`;
	});
	return [...new Set(ids)].sort();
}

describe('access-control matrix', () => {
	let server: RunningServer;
	let fixture: AccessFixture;
	let database: ServerDatabase;

	beforeAll(async () => {
		database = await createServerDatabase('matrix');
		const db = database.open();
		await migrateToLatest(db);
		await storeBuiltInInstruments(db);
		fixture = await createAccessFixture(db);
		await db.destroy();
		server = await startServer({ ...database.env, DEMO: '0', MIN_RESPONSES: '5' });
	});

	afterAll(async () => {
		await server?.stop();
		await database?.remove();
	});

	// Issue 30: a download route takes a personal token in place of the session, through the real
	// hooks; a page does not. The matrix above tries every download by session.
	describe('a personal API token over HTTP', () => {
		const byToken = (path: string, authorization: string) => fetch(`${server.url}${path}`, { headers: { authorization }, redirect: 'manual' });

		it('opens the downloads its owner may have, refuses the rest as the session would, and opens no page', async () => {
			const db = database.open();
			const made = await createApiToken(db, await toSignedInUser(db, (await getUser(db, fixture.users.manager.id))!), 'Matrix');
			await db.destroy();
			if (!made.ok) throw new Error(made.problems[0]!.message);
			const bearer = `Bearer ${made.token.token}`;
			const scores = await byToken(`/rounds/${fixture.rounds.a1.id}/export/scores.csv`, bearer);
			expect(scores.status).toBe(200);
			expect(scores.headers.get('content-type')).toBe('text/csv; charset=utf-8');
			expect((await byToken(`/rounds/${fixture.rounds.b1.id}/export/scores.csv`, bearer)).status).toBe(404);
			expect((await byToken(`/pcns/${fixture.pcns.a.id}/export/heatmap.csv`, bearer)).status).toBe(403);
			expect((await byToken('/admin/audit/export', bearer)).status).toBe(403);
			const bad = await byToken(`/rounds/${fixture.rounds.a1.id}/export/scores.csv`, 'Bearer blg_no-such-token');
			expect(bad.status).toBe(401);
			expect(bad.headers.get('www-authenticate')).toContain('invalid_token');
			// Not a session: a page sends the request to sign in, as it would with no header at all.
			const page = await byToken(`/practices/${fixture.practices.a1.id}`, bearer);
			expect(page.status).toBe(303);
			expect(page.headers.get('location')).toMatch(/^\/sign-in\?next=/);
		});
	});

	it('has an entry for every route in src/routes, and no entry for a route that is gone', () => {
		expect(Object.keys(MATRIX).sort()).toEqual(routeIds());
	});

	const probes = Object.entries(MATRIX).flatMap(([route, list]) => list.map((probe) => ({ route, probe })));
	describe.each(probes)('$route: $probe.label', ({ probe }) => {
		it.each(WHO)('as %s', async (who) => {
			const token = fixture.cookies[who];
			const headers: Record<string, string> = { accept: 'text/html', origin: server.url };
			if (token) headers.cookie = `${SESSION_COOKIE}=${token}`;
			let body: string | undefined;
			if (probe.method === 'POST') {
				headers['content-type'] = 'application/x-www-form-urlencoded';
				body = new URLSearchParams(probe.form?.(fixture) ?? {}).toString();
			}
			const response = await fetch(`${server.url}${probe.path(fixture)}`, { method: probe.method, headers, body, redirect: 'manual' });
			expect(response.status, `${probe.method} ${probe.path(fixture)} as ${who}`).toBe(probe.expect[who]);
			if (who === 'anonymous' && response.status === 303 && probe.expect.admin !== 303) {
				expect(response.headers.get('location')).toMatch(/^\/sign-in(\?next=|$)/);
			}
		});
	});

	/** Route ids that are pages (and so have page data at …/__data.json), not endpoints. */
	const pageRoutes = new Set(
		routeFiles(join(process.cwd(), 'src', 'routes'))
			.filter((file) => /\+page\.(server\.ts|svelte)$/.test(file))
			.map((file) => `/${relative(join(process.cwd(), 'src', 'routes'), file).split(sep).slice(0, -1).filter((s) => !/^\(.+\)$/.test(s)).join('/')}`)
	);
	const headersFor = (who: Who) => {
		const token = fixture.cookies[who];
		const headers: Record<string, string> = { origin: server.url };
		if (token) headers.cookie = `${SESSION_COOKIE}=${token}`;
		return headers;
	};

	// Issue 12, item 13: a page's data answers with the page's own refusal, not 200 with an error inside.
	const refusedPages = probes.filter(
		({ route, probe }) => probe.method === 'GET' && pageRoutes.has(route) && Object.values(probe.expect).some((s) => s === 403 || s === 404)
	);
	describe.each(refusedPages)('$route: $probe.label, as page data', ({ probe }) => {
		it.each(WHO.filter((who) => probe.expect[who] === 403 || probe.expect[who] === 404))('as %s', async (who) => {
			const address = new URL(probe.path(fixture), server.url);
			address.pathname = `${address.pathname.replace(/\/$/, '')}/__data.json`;
			const response = await fetch(address, { headers: headersFor(who), redirect: 'manual' });
			expect(response.status, `${address.pathname} as ${who}`).toBe(probe.expect[who]);
			expect((await response.json()).message).toEqual(expect.any(String));
		});
	});

	// Issue 12, item 7: nobody, signed in or not, can make the server answer 500.
	const paths = [...new Set(probes.map(({ probe }) => probe.path))];
	it.each(WHO)('no reserved action name, odd body or odd page-data address gives a 500, as %s', async (who) => {
		const statuses: string[] = [];
		const tries: { url: string; init: RequestInit }[] = [];
		for (const pathOf of paths) {
			const path = pathOf(fixture);
			const base = new URL(path, server.url);
			for (const name of ['default', 'constructor', '__proto__', 'toString', '', 'no-such-action']) {
				const url = new URL(base);
				url.search = `?/${name}${base.search ? `&${base.search.slice(1)}` : ''}`;
				tries.push({ url: url.href, init: { method: 'POST', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } } });
			}
			tries.push(
				{ url: base.href, init: { method: 'POST', body: '--x\r\nbroken', headers: { 'content-type': 'multipart/form-data; boundary=x' } } },
				{ url: base.href, init: { method: 'POST', body: '%E0%A4%A=%%', headers: { 'content-type': 'application/x-www-form-urlencoded' } } },
				{ url: base.href, init: { method: 'POST', body: '__proto__=1&constructor=2', headers: { 'content-type': 'application/x-www-form-urlencoded' } } },
				{ url: `${base.origin}${base.pathname.replace(/\/$/, '')}/__data.json?x-sveltekit-invalidated=%ZZ`, init: { method: 'GET' } },
				// Query values that name Object.prototype's keys, where a page looks a message up by key.
				{ url: `${base.href}${base.search ? '&' : '?'}done=constructor&for=__proto__&from=toString&to=valueOf&next=constructor`, init: { method: 'GET' } }
			);
		}
		// Some 3,000 refused requests: four in flight at a time, so the sweep waits on the server's
		// work rather than on each round trip in turn. Each is refused, so their order does not matter.
		await inFlight(tries, 4, async ({ url, init }) => {
			const response = await fetch(url, { ...init, headers: { ...headersFor(who), ...(init.headers as Record<string, string>) }, redirect: 'manual' });
			await response.arrayBuffer();
			if (response.status >= 500) statuses.push(`${init.method} ${url}: ${response.status}`);
		});
		expect(statuses.sort()).toEqual([]);
	});
});

/** Calls `each` on every item, with at most `width` calls waiting at once. */
async function inFlight<T>(items: readonly T[], width: number, each: (item: T) => Promise<void>): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < items.length) await each(items[next++]!);
	};
	await Promise.all(Array.from({ length: width }, worker));
}
