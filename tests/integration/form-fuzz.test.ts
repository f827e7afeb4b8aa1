/**
 * Issue 24, item 7: every form action of the app, posted hostile values in every field by someone
 * entitled to it, on this run's engine. Nothing may answer 5xx (a thrown error is what the server
 * would answer 500), and afterwards no text column of any table may hold a control character.
 *
 * The actions are found from the route files themselves, so a new action without a line in
 * PROBES fails the first test instead of going unprobed.
 */
import { isActionFailure, isHttpError, isRedirect } from '@sveltejs/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, ukDate } from '../../src/lib/dates';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import type { Db } from '../../src/lib/server/db';
import { inviteUser } from '../../src/lib/server/accounts/invitations';
import { versionIdOf } from '../../src/lib/server/surveys/instruments';
import { createAccessFixture, type AccessFixture, type Who } from '../helpers/access-fixture';
import { createTestDatabase, TEST_ENGINE, type TestDatabase } from '../helpers/database';
import { fakeEvent } from '../helpers/events';
import { smallInstrument } from '../helpers/instruments';
import { itemBankCsv } from '../../src/lib/npt/instrument-formats/item-bank';
import { parseInstrument } from '../../src/lib/npt/instrument';

type Action = (event: never) => unknown;
const ROUTE_FILES = import.meta.glob('../../src/routes/**/+page.server.ts', { eager: true }) as Record<string, { actions?: Record<string, Action> }>;

/** `/(app)/practices/[practiceId]/flags?/state` for each action of each route. */
const ACTIONS = new Map<string, Action>(
	Object.entries(ROUTE_FILES).flatMap(([file, module]) => {
		const route = file.replace('../../src/routes', '').replace('/+page.server.ts', '') || '/';
		return Object.entries(module.actions ?? {}).map(([name, action]) => [`${route}?/${name}`, action] as const);
	})
);

type Form = Record<string, string | string[]>;
interface Probe {
	who: Who;
	/** The route's parameters, in the fixture's terms. */
	params?: (f: Fixture) => Record<string, string>;
	/** A form that this person could send: each field in turn is replaced by a hostile value. */
	form?: (f: Fixture) => Form;
	/** Why the form as given is refused as bad input (400), when it is; every other form gets past its checks. */
	refused?: string;
}
type Fixture = AccessFixture & { today: string; versionId: number; invitationToken: string };

const today = ukDate();
const practice = (f: Fixture) => ({ practiceId: String(f.practices.a1.id) });
const actionsForm = (f: Fixture): Form => ({ what: 'Book the room on Tuesdays', owner: 'Alex Reed', dueOn: addDays(f.today, 30), linkedTo: `flag:${f.flags.a1Shared.id}` });
const organisation = { odsCode: 'A10009', name: 'Renamed' };
const person = (f: Fixture) => ({ userId: String(f.others.spareA2.id) });

const PROBES: Record<string, Probe> = {
	'/(app)/account?/reminders': { who: 'manager', form: () => ({ notices: ['round_opened'] }) },
	'/(app)/account?/twoStepBegin': { who: 'manager' },
	'/(app)/account?/twoStepConfirm': { who: 'manager', form: () => ({ code: '123456' }) },
	'/(app)/account?/twoStepCancel': { who: 'manager' },
	'/(app)/account?/twoStepOff': { who: 'manager', form: () => ({ code: '123456' }) },
	'/(app)/account?/dismissResetNotice': { who: 'manager' },
	'/(app)/account?/changePassword': { who: 'manager', form: () => ({ current: 'wrong one', password: 'a new and long passphrase', confirm: 'a new and long passphrase' }) },
	'/(app)/account?/signOutEverywhere': { who: 'manager', form: () => ({ confirm: 'signOutEverywhere' }) },
	'/(app)/account?/createToken': { who: 'manager', form: () => ({ name: 'Power BI' }) },
	'/(app)/account?/revokeToken': { who: 'manager', form: () => ({ tokenId: '1', confirm: 'revokeToken' }) },
	'/(app)/admin/icbs/[icbId]?/default': { who: 'admin', params: (f) => ({ icbId: String(f.icb.id) }), form: () => ({ odsCode: 'QAB', name: 'Renamed ICB' }) },
	'/(app)/admin/mail?/retry': { who: 'admin', form: () => ({ mailId: '1' }) },
	'/(app)/admin/pcns/[pcnId]?/default': { who: 'admin', params: (f) => ({ pcnId: String(f.pcns.a.id) }), form: (f) => ({ odsCode: 'U10009', name: 'Renamed PCN', icbId: String(f.icb.id) }) },
	'/(app)/admin/import?/check': { who: 'admin', form: () => ({ csvText: 'ODS code,Name,PCN code,PCN name,ICB code\nK55501,Meadow Lane Surgery,U55501,Valley PCN,QAA' }) },
	'/(app)/admin/import?/import': { who: 'admin', form: () => ({ csv: 'ODS code,Name,PCN code,PCN name,ICB code\nK55501,Meadow Lane Surgery,U55501,Valley PCN,QAA' }) },
	'/(app)/instruments/import?/preview': { who: 'admin', form: () => ({ owner: 'service', text: JSON.stringify(smallInstrument()) }) },
	'/(app)/instruments/import?/previewItemBank': {
		who: 'admin',
		form: (f) => ({
			'bank-owner': 'service',
			'bank-text': itemBankCsv(parseInstrument(smallInstrument())),
			'bank-id': 'team-fit',
			'bank-version': '1.0',
			'bank-title': 'Team fit check',
			'bank-language': 'en-GB',
			'bank-audience': 'staff',
			'bank-authors': 'A. Author\nB. Writer',
			'bank-citation': 'Author A, Writer B. Team fit check. 2026.',
			'bank-licence': 'CC BY 4.0',
			'bank-doi': '10.1234/team-fit',
			'bank-licenceUrl': 'https://creativecommons.org/licenses/by/4.0/',
			'bank-derivedFrom': 'Nothing',
			'bank-baseVersionId': String(f.versionId),
			'bank-pairsWithVersionId': String(f.versionId)
		})
	},
	'/(app)/instruments/import?/confirm': { who: 'admin', form: (f) => ({ owner: `icb-${f.icb.id}`, definition: JSON.stringify(smallInstrument()) }) },
	// Built-in versions are offered everywhere, always (409): every field is still read first.
	'/(app)/instruments/[versionId]?/offer': { who: 'admin', params: (f) => ({ versionId: String(f.versionId) }), form: (f) => ({ offeredTo: 'icbs', icbIds: [String(f.icb.id)] }) },
	'/(app)/instruments/[versionId]/statements?/preview': {
		who: 'admin',
		params: (f) => ({ versionId: String(f.versionId) }),
		form: () => ({ version: '1.1', text: itemBankCsv(DEFAULT_STAFF_INSTRUMENT) })
	},
	'/(app)/instruments/[versionId]/edit?/default': {
		who: 'admin',
		params: (f) => ({ versionId: String(f.versionId) }),
		form: () => ({ version: '1.1', 'item-CO1-text': 'We know what the link worker does here.', 'new-0-id': 'CO9', 'new-0-text': 'A new statement.', 'new-0-subConstruct': 'internalisation', 'bands-belonging': '7.5' })
	},
	'/(app)/admin/organisations?/addIcb': { who: 'admin', form: () => ({ icbOdsCode: 'QAC', icbName: 'New ICB' }) },
	'/(app)/admin/organisations?/addPcn': { who: 'admin', form: (f) => ({ pcnOdsCode: 'U30001', pcnName: 'New PCN', pcnIcbId: String(f.icb.id) }) },
	'/(app)/admin/organisations?/addPractice': { who: 'admin', form: (f) => ({ practiceOdsCode: 'C30001', practiceName: 'New practice', practicePcnOdsCode: f.pcns.a.ods_code }) },
	'/(app)/admin/practices/[practiceId]?/save': { who: 'admin', params: (f) => ({ practiceId: String(f.practices.a2.id) }), form: () => organisation },
	'/(app)/admin/practices/[practiceId]?/move': { who: 'admin', params: (f) => ({ practiceId: String(f.practices.a2.id) }), form: (f) => ({ pcnOdsCode: f.pcns.b.ods_code, effectiveOn: f.today }) },
	'/(app)/admin/security?/default': { who: 'admin', form: () => ({ roles: ['admin'] }) },
	'/(app)/admin/jobs?/run': { who: 'admin', form: () => ({ job: 'purge-expired' }) },
	'/(app)/admin/retention?/holdPractice': { who: 'admin', form: (f) => ({ odsCode: f.practices.a2.ods_code, reason: 'Complaint under investigation' }) },
	'/(app)/admin/retention?/holdRound': { who: 'admin', form: (f) => ({ roundId: String(f.rounds.b1.id), reason: 'Subject access request' }) },
	'/(app)/admin/retention?/release': { who: 'admin', form: () => ({ holdId: '1', understood: 'yes' }) },
	'/(app)/forgot-password?/default': { who: 'anonymous', form: () => ({ email: 'spare.a2@matrix.example' }) },
	'/(app)/invitation/[token]?/default': { who: 'anonymous', params: (f) => ({ token: f.invitationToken }), form: () => ({ password: 'a new and long passphrase', confirm: 'a new and long passphrase' }) },
	'/(app)/reset-password/[token]?/default': { who: 'anonymous', params: () => ({ token: 'A'.repeat(43) }), form: () => ({ password: 'a new and long passphrase', confirm: 'a new and long passphrase' }) },
	'/(app)/sign-in?/default': { who: 'anonymous', form: () => ({ email: 'manager.a1@matrix.example', password: 'not the password', next: '/' }) },
	'/(app)/sign-in/code?/default': { who: 'anonymous', form: () => ({ code: '123456', next: '/' }) },
	'/(app)/sign-in/set-up?/default': { who: 'anonymous', form: () => ({ code: '123456', next: '/' }) },
	'/(app)/sign-out?/default': { who: 'manager' },
	// Made an ICB lead, so hostile ICB ids and codes reach the lookups behind the form (the invitation probes practices).
	'/(app)/users/[userId]?/update': {
		who: 'admin',
		params: person,
		form: (f) => ({ displayName: 'Sam Spare', role: 'icb_lead', icbIds: [String(f.icb.id)], icbCodes: 'qbb', practiceIds: [String(f.practices.a2.id)], pcnIds: [] })
	},
	'/(app)/users/[userId]?/reset': { who: 'admin', params: person },
	'/(app)/users/[userId]?/reinvite': { who: 'admin', params: (f) => ({ userId: String(f.others.invitedA2.id) }) },
	'/(app)/users/[userId]?/removeAccess': { who: 'admin', params: person, form: (f) => ({ practiceIds: [String(f.practices.a2.id)] }) },
	'/(app)/users/[userId]?/switchOff': { who: 'admin', params: person, form: () => ({ confirm: 'switchOff' }) },
	'/(app)/users/[userId]?/switchOn': { who: 'admin', params: person },
	'/(app)/users/[userId]?/signOut': { who: 'admin', params: person, form: () => ({ confirm: 'signOut' }) },
	'/(app)/users/[userId]?/resetTwoStep': { who: 'admin', params: person, form: () => ({ confirm: 'resetTwoStep' }) },
	'/(app)/users/[userId]?/requireSso': { who: 'admin', params: person, form: () => ({ confirm: 'requireSso' }) },
	'/(app)/users/[userId]?/allowPassword': { who: 'admin', params: person },
	'/(app)/users/[userId]?/unlinkSso': { who: 'admin', params: person, form: () => ({ confirm: 'unlinkSso' }) },
	// The first, unspoilt form erases the spare manager; every later one finds the account erased already.
	'/(app)/users/[userId]/erase?/default': { who: 'admin', params: person, form: () => ({ confirm: 'yes' }) },
	'/(app)/users/invite?/default': { who: 'admin', form: (f) => ({ displayName: 'New Person', email: 'new.person@matrix.example', role: 'practice_manager', practiceIds: [String(f.practices.a2.id)] }) },
	'/(app)/rounds/[roundId]/edit?/default': {
		who: 'manager',
		params: (f) => ({ roundId: String(f.rounds.a1Draft.id) }),
		form: (f) => ({ title: 'A1 next', opensOn: f.rounds.a1Draft.opens_on, closesOn: f.rounds.a1Draft.closes_on, staffHeadcount: '20', instrumentVersionId: String(f.versionId) })
	},
	'/(app)/rounds/[roundId]?/open': { who: 'manager', params: (f) => ({ roundId: String(f.rounds.a1Draft.id) }) },
	// A confirmation that no longer matches is refused (409): nothing closes, and every field is still read.
	'/(app)/rounds/[roundId]/close?/close': { who: 'manager', params: (f) => ({ roundId: String(f.rounds.a1Open.id) }), form: () => ({ confirm: 'close', stated: 'stale' }) },
	'/(app)/rounds/[roundId]?/delete': { who: 'manager', params: (f) => ({ roundId: String(f.rounds.a1Draft.id) }), form: () => ({ confirm: 'delete' }) },
	'/(app)/rounds/[roundId]/assessment?/default': { who: 'linkWorker', params: (f) => ({ roundId: String(f.rounds.a1.id) }), form: () => ({ 'item-CO1': '4', 'item-CA1': '3' }) },
	'/(app)/rounds/[roundId]/share?/issueCodes': { who: 'manager', params: (f) => ({ roundId: String(f.rounds.a1Draft.id) }), form: () => ({ count: '3' }) },
	'/(app)/practices/[practiceId]/checklist?/default': {
		who: 'linkWorker',
		params: practice,
		form: () => ({ 'status-private-room': 'missing', 'note-private-room': 'No room on Tuesdays', 'visibility-private-room': 'practice_and_pcn' })
	},
	'/(app)/practices/[practiceId]/actions?/record': { who: 'manager', params: practice, form: actionsForm },
	'/(app)/practices/[practiceId]/actions?/update': { who: 'pcnLead', params: practice, form: (f) => ({ ...actionsForm(f), actionId: String(f.actions.a1OnPcnOnly.id) }) },
	'/(app)/practices/[practiceId]/actions?/done': { who: 'pcnLead', params: practice, form: (f) => ({ actionId: String(f.actions.a1OnPcnOnly.id), doneOn: f.today, note: 'Done on Monday' }) },
	'/(app)/practices/[practiceId]/actions?/reopen': { who: 'pcnLead', params: practice, form: (f) => ({ actionId: String(f.actions.a1OnPcnOnly.id) }), refused: 'the action is planned, not done' },
	'/(app)/practices/[practiceId]/actions?/delete': { who: 'pcnLead', params: practice, form: (f) => ({ actionId: String(f.actions.a1OnPcnOnly.id), confirm: 'delete' }) },
	'/(app)/practices/[practiceId]/rounds/new?/default': {
		who: 'manager',
		params: practice,
		form: (f) => ({ title: 'Autumn', opensOn: addDays(f.today, 400), closesOn: addDays(f.today, 420), staffHeadcount: '20', instrumentVersionId: String(f.versionId), start: 'draft', confirmFatigue: 'yes' })
	},
	'/(app)/practices/[practiceId]/flags?/state': { who: 'manager', params: practice, form: (f) => ({ flagId: String(f.flags.a1Shared.id), to: 'acknowledged', reason: 'Seen it' }) },
	'/(app)/practices/[practiceId]/flags?/comment': { who: 'manager', params: practice, form: (f) => ({ flagId: String(f.flags.a1Shared.id), comment: 'We will look at it' }) },
	'/(app)/practices/[practiceId]/calendar?/save': {
		who: 'manager',
		params: practice,
		form: (f) => ({ cadence: 'every', everyMonths: '6', anchorOn: addDays(f.today, 60), months: [], openDay: '1', lengthWeeks: '3', headcountSource: 'fixed', fixedHeadcount: '20' })
	},
	'/(app)/practices/[practiceId]/calendar?/stop': { who: 'manager', params: practice, form: () => ({ confirm: 'stop' }) },
	'/s/[token]?/default': { who: 'anonymous', params: (f) => ({ token: f.rounds.a1Open.public_token }), form: () => ({ 'item-CO1': '4', 'general-G1': '7', roleGroup: 'none', comment: 'Thank you' }) }
};

/** What a field is given instead of its proper value. */
const HOSTILE: readonly string[] = [
	'\u0000',
	'Spring\u0000',
	'\u0001\u0007\u0008\u000b\u000c\u001b[2J\u001f',
	'\u007f\u0080\u0085\u009b\u009f',
	'\u202eevil\u202c\u2066x\u2069',
	'line\u2028break\u2029',
	'tab\there\r\nand\rthere',
	'\ud800 \udfff',
	'x'.repeat(5_000),
	'💥'.repeat(3_000),
	' 2',
	'2.0',
	'+2',
	'0x2',
	'1e0',
	'-1',
	'2147483648',
	'99999999999999999999',
	'',
	'   ',
	'__proto__',
	'<script>alert(1)</script>',
	"'; drop table round; --"
];

/** Control characters that must never be stored: every C0 control but line feed, DEL, C1, bidi controls, lone surrogates. */
const STORED_CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The forms a probe sends: each field given each hostile value, twice over (a list), and unknown fields. */
function hostileForms(base: Form): { label: string; form: Form | FormData }[] {
	// First, while nothing has changed yet: whether the form as given gets through.
	const forms: { label: string; form: Form | FormData }[] = [{ label: 'the form, with nothing hostile', form: base }];
	const fields = Object.keys(base);
	for (const field of fields) {
		for (const value of HOSTILE) forms.push({ label: `${field}=${JSON.stringify(value).slice(0, 40)}`, form: { ...base, [field]: value } });
		forms.push({ label: `${field} sent twice`, form: { ...base, [field]: ['\u0000', 'x\u0007'] } });
		const withFile = new FormData();
		for (const [name, value] of Object.entries(base)) for (const v of [value].flat()) withFile.append(name, v);
		withFile.set(field, new File(['\u0000\u0001'], 'x.csv', { type: 'text/csv' }));
		forms.push({ label: `${field} as a file`, form: withFile });
	}
	forms.push({ label: 'unknown fields', form: { ...base, 'extra\u0000': '\u0000', constructor: 'x', toString: '1', ['__proto__']: '\u0000' } });
	return forms;
}

/** The status the server would answer: a thrown error (other than a redirect or an HTTP error) is a 500. */
async function answerOf(run: () => unknown): Promise<{ status: number; thrown?: unknown }> {
	try {
		const result = await run();
		return { status: isActionFailure(result) ? result.status : 200 };
	} catch (thrown) {
		if (isRedirect(thrown) || isHttpError(thrown)) return { status: thrown.status };
		return { status: 500, thrown };
	}
}

/** Every string in every table that holds a control character, as `table.column: value`. */
async function storedControls(db: Db): Promise<string[]> {
	const found: string[] = [];
	for (const table of await db.introspection.getTables()) {
		const rows = (await db.selectFrom(table.name as never).selectAll().execute()) as Record<string, unknown>[];
		for (const row of rows) {
			for (const [column, value] of Object.entries(row)) {
				if (typeof value === 'string' && STORED_CONTROL.test(value)) found.push(`${table.name}.${column}: ${JSON.stringify(value).slice(0, 80)}`);
			}
		}
	}
	return found;
}

describe(`every form action, given hostile values (${TEST_ENGINE})`, () => {
	it('has a probe for every action of every route', () => {
		expect([...ACTIONS.keys()].sort()).toEqual(Object.keys(PROBES).sort());
	});

	const counted = { actions: 0, posts: 0 };
	afterAll(() => {
		// The count the issue asks for, printed once: how much this run probed.
		console.log(`Form fuzz on ${TEST_ENGINE}: ${counted.actions} actions, ${counted.posts} posts, ${HOSTILE.length} hostile values per field.`);
	});

	describe.each(Object.entries(PROBES))('%s', (key, probe) => {
		let t: TestDatabase;
		let f: Fixture;
		beforeAll(async () => {
			t = await createTestDatabase();
			const access = await createAccessFixture(t.db);
			const invited = await inviteUser(t.db, access.users.admin, { email: 'fuzz.invited@matrix.example', displayName: 'Fuzz Invited', role: 'practice_manager', scope: { practiceIds: [access.practices.a2.id] } }, { origin: 'http://localhost', mail: false });
			if (!invited.ok) throw new Error('The invitation for the fuzz test was refused');
			f = { ...access, today, versionId: (await versionIdOf(t.db, DEFAULT_STAFF_INSTRUMENT))!, invitationToken: invited.link.url.split('/').at(-1)! };
		});
		afterAll(() => t.close());

		it('answers no 5xx and stores no control character', async () => {
			const action = ACTIONS.get(key);
			expect(action, key).toBeDefined();
			const path = key.split('?/')[0]!.replace('/(app)', '');
			const params = probe.params?.(f) ?? {};
			const failures: string[] = [];
			let baseStatus = 0;
			for (const { label, form } of hostileForms(probe.form?.(f) ?? {})) {
				const user = probe.who === 'anonymous' ? null : f.users[probe.who];
				const event = fakeEvent({ db: t.db, user, path, params, form, config: { origin: 'http://localhost' } });
				const { status, thrown } = await answerOf(() => action!(event as never));
				counted.posts += 1;
				if (label === 'the form, with nothing hostile') baseStatus = status;
				if (status >= 500) failures.push(`${label} → ${status} ${String(thrown).split('\n')[0]!.slice(0, 160)}`);
			}
			counted.actions += 1;
			expect(failures).toEqual([]);
			// Otherwise the hostile values would be refused with the rest of the form, before reaching anything deeper.
			if (!probe.refused) expect(baseStatus, 'the form as given').not.toBe(400);
			expect(await storedControls(t.db)).toEqual([]);
		}, 600_000);
	});
});
