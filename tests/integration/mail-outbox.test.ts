/**
 * The outbox, through a real SMTP server on a local port: mail queued with its change arrives,
 * with a plain-text and an HTML part; a server that refuses for now or does not answer leaves the
 * mail waiting and it is tried again later; one that refuses for good marks it failed, in the
 * audit log, until an admin sends it again; two workers at once send each mail once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acceptInvitation } from '../../src/lib/server/accounts/choosing-password';
import { inviteUser } from '../../src/lib/server/accounts/invitations';
import { openDatabase, type Db } from '../../src/lib/server/db';
import { noticeMail } from '../../src/lib/server/calendar/round-notices';
import { composeMail } from '../../src/lib/server/mail/compose';
import { smtpMailer, type Mailer } from '../../src/lib/server/mail/mailer';
import {
	claimDueMail,
	deliverDueMail,
	enqueueMail,
	LEASE_MS,
	MAX_ATTEMPTS,
	outboxOverview,
	retryDelayMs,
	retryFailedMail
} from '../../src/lib/server/mail/outbox';
import { createAccessFixture, type AccessFixture } from '../helpers/access-fixture';
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/database';
import { TEST_COST } from '../helpers/events';
import { queuedMail } from '../helpers/mail';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp';

const T0 = new Date('2026-12-03T10:00:00.000Z');
const at = (ms: number) => () => new Date(T0.getTime() + ms);

describe('the mail outbox', () => {
	let t: TestDatabase;
	let f: AccessFixture;
	let smtp: TestSmtpServer;
	let mailer: Mailer;

	beforeEach(async () => {
		t = await createTestDatabase();
		f = await createAccessFixture(t.db);
		smtp = await startSmtpServer();
		mailer = smtpMailer({ url: smtp.url, from: 'Belonging <belonging@test.example>', timeoutMs: 500 });
	});
	afterEach(async () => {
		mailer.close?.();
		await smtp.close();
		await t.close();
	});

	const note = (n: number) =>
		composeMail({ to: `person${n}@example.nhs.uk`, subject: `Note ${n}`, greeting: 'Hello,', body: [{ paragraph: `Note number ${n}.` }], reason: 'A test.' });

	async function statusOf(db: Db, id: number) {
		return db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
	}

	it('delivers an invitation queued with the account, with text and HTML parts, and its link works', async () => {
		const outcome = await inviteUser(
			t.db,
			f.users.admin,
			{ email: 'lead.new@example.nhs.uk', displayName: 'Lena Lead', role: 'pcn_lead', scope: { pcnIds: [f.pcns.a.id] } },
			{ origin: 'https://belonging.example.org', mail: true, now: T0 }
		);
		if (!outcome.ok) throw new Error('invitation refused');
		expect(smtp.arrived).toEqual([]); // queued, not sent, by the request
		expect(await deliverDueMail(t.db, mailer, at(1000))).toEqual({ sent: 1, retrying: 0, failed: 0 });
		const [mail] = await smtp.waitFor(1);
		expect(mail).toMatchObject({ to: 'lead.new@example.nhs.uk', from: 'belonging@test.example', subject: 'You are invited to Belonging' });
		expect(mail!.text).toContain(outcome.link.url);
		expect(mail!.text).toContain('invited you to Belonging as a PCN lead');
		expect(mail!.text).toContain('You are getting this mail because');
		expect(mail!.html).toContain(`href="${outcome.link.url}"`);
		expect(mail!.html).toContain('<html lang="en-GB">');
		// The headers kept in the outbox reach the wire: automatic, and nothing to unsubscribe from.
		expect(mail!.headers['auto-submitted']).toBe('auto-generated');
		expect(mail!.headers['list-unsubscribe']).toBeUndefined();
		const token = /\/invitation\/([\w-]{43})/.exec(mail!.text)![1]!;
		const accepted = await acceptInvitation(t.db, token, 'mossy harbour violin teapot', { now: at(2000)(), cost: TEST_COST });
		expect(accepted).toMatchObject({ ok: true, user: { role: 'pcn_lead' } });
		// Sent mail keeps who and what, but not the body with its single-use link.
		const [row] = await queuedMail(t.db);
		expect(row).toMatchObject({ status: 'sent', text: '', html: '' });
	});

	it('sends a round reminder with its List-Unsubscribe header to the reminder settings', async () => {
		const round = {
			id: f.rounds.a1Open.id,
			title: 'A1 spring',
			opensOn: '2026-01-01',
			closesOn: '2099-12-31',
			staffHeadcount: 20,
			publicToken: f.rounds.a1Open.public_token,
			isCalendarDraft: false,
			practice: { id: f.practices.a1.id, name: 'Practice A1', pcnId: f.pcns.a.id, pcnName: 'PCN A' }
		};
		const to = { email: 'manager.a1@matrix.example', displayName: 'Mo Manager', role: 'practice_manager' as const };
		const facts = { responses: 0, minResponses: 5, origin: 'https://belonging.example.org' };
		await enqueueMail(t.db, 'round_opened', noticeMail('round_opened', round, to, facts), T0);
		expect(await deliverDueMail(t.db, mailer, at(1000))).toEqual({ sent: 1, retrying: 0, failed: 0 });
		const [mail] = await smtp.waitFor(1);
		expect(mail!.headers['auto-submitted']).toBe('auto-generated');
		expect(mail!.headers['list-unsubscribe']).toBe('<https://belonging.example.org/account#reminders>');
	});

	it('leaves nothing in the outbox when the change is refused', async () => {
		const outcome = await inviteUser(
			t.db,
			f.users.admin,
			{ email: 'admin@matrix.example', displayName: 'Twice', role: 'link_worker', scope: { practiceIds: [f.practices.a1.id] } },
			{ origin: 'https://belonging.example.org', mail: true, now: T0 }
		);
		expect(outcome).toMatchObject({ ok: false, status: 409 });
		expect(await queuedMail(t.db)).toEqual([]);
	});

	it('keeps a mail the server refuses for now, and sends it on a later try', async () => {
		await enqueueMail(t.db, 'invitation', note(1), T0);
		smtp.behaviour = 'refuse-for-now';
		expect(await deliverDueMail(t.db, mailer, at(0))).toEqual({ sent: 0, retrying: 1, failed: 0 });
		const waiting = await statusOf(t.db, 1);
		expect(waiting).toMatchObject({ status: 'waiting', attempts: 1, claimed_until: null });
		expect(waiting.last_error).toContain('451');
		expect(waiting.next_attempt_at).toBe(new Date(T0.getTime() + 60_000).toISOString());
		expect(waiting.text_body).toContain('Note number 1.');
		smtp.behaviour = 'accept';
		// Not yet due: nothing happens.
		expect(await deliverDueMail(t.db, mailer, at(59_000))).toEqual({ sent: 0, retrying: 0, failed: 0 });
		expect(await deliverDueMail(t.db, mailer, at(60_000))).toEqual({ sent: 1, retrying: 0, failed: 0 });
		expect((await smtp.waitFor(1)).map((m) => m.subject)).toEqual(['Note 1']);
		expect(await statusOf(t.db, 1)).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
	});

	it('keeps a mail when the server does not answer in time, and tries again', async () => {
		await enqueueMail(t.db, 'invitation', note(1), T0);
		smtp.behaviour = 'stall';
		expect(await deliverDueMail(t.db, mailer, at(0))).toEqual({ sent: 0, retrying: 1, failed: 0 });
		expect(await statusOf(t.db, 1)).toMatchObject({ status: 'waiting', attempts: 1 });
		expect((await statusOf(t.db, 1)).last_error).toMatch(/greeting never received|timeout/i);
	});

	it('waits longer after each failure, and gives up after MAX_ATTEMPTS, in the audit log', async () => {
		expect([1, 2, 3, 4, 8, 12].map(retryDelayMs)).toEqual([60_000, 120_000, 240_000, 480_000, 7_680_000, 21_600_000]);
		await enqueueMail(t.db, 'password_reset', note(1), T0);
		smtp.behaviour = 'refuse-for-now';
		let clock = 0;
		for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
			expect(await deliverDueMail(t.db, mailer, at(clock))).toEqual({ sent: 0, retrying: 1, failed: 0 });
			clock += retryDelayMs(attempt);
		}
		expect(await deliverDueMail(t.db, mailer, at(clock))).toEqual({ sent: 0, retrying: 0, failed: 1 });
		expect(await statusOf(t.db, 1)).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
		const audit = await t.db.selectFrom('audit_event').select(['action', 'actor_label', 'summary']).where('action', '=', 'mail_failed').execute();
		expect(audit).toEqual([
			{
				action: 'mail_failed',
				actor_label: 'mail outbox',
				summary: expect.stringMatching(/^Could not deliver mail 1 \(password reset link\) to person1@example\.nhs\.uk after 8 tries: .*451/)
			}
		]);
	});

	it('marks a mail the server refuses for good as failed at once, and an admin can send it again', async () => {
		await enqueueMail(t.db, 'invitation', note(1), T0);
		smtp.behaviour = 'refuse-for-good';
		expect(await deliverDueMail(t.db, mailer, at(0))).toEqual({ sent: 0, retrying: 0, failed: 1 });
		const overview = await outboxOverview(t.db);
		expect(overview.counts).toEqual({ waiting: 0, sending: 0, sent: 0, failed: 1 });
		expect(overview.pending).toMatchObject([{ id: 1, status: 'failed', recipient: 'person1@example.nhs.uk', text_body: null }]);
		expect(overview.pending[0]!.last_error).toContain('550');
		// Only a failed mail can be put back; an unknown one is not there.
		expect(await retryFailedMail(t.db, f.users.admin, 99, at(1000)())).toMatchObject({ ok: false, status: 404 });
		expect(await retryFailedMail(t.db, f.users.admin, 1, at(1000)())).toMatchObject({ ok: true });
		expect(await retryFailedMail(t.db, f.users.admin, 1, at(1000)())).toMatchObject({ ok: false, status: 409 });
		smtp.behaviour = 'accept';
		expect(await deliverDueMail(t.db, mailer, at(1000))).toEqual({ sent: 1, retrying: 0, failed: 0 });
		expect((await smtp.waitFor(1))[0]!.to).toBe('person1@example.nhs.uk');
	});

	it('sends a mail whose worker stopped mid-send once its claim runs out', async () => {
		await enqueueMail(t.db, 'invitation', note(1), T0);
		// A worker claimed it and died: the row says "sending" until the lease ends.
		await t.db.updateTable('mail_outbox').set({ status: 'sending', attempts: 1, claimed_until: at(LEASE_MS)().toISOString() }).execute();
		expect(await deliverDueMail(t.db, mailer, at(LEASE_MS - 1))).toEqual({ sent: 0, retrying: 0, failed: 0 });
		expect(await deliverDueMail(t.db, mailer, at(LEASE_MS + 1))).toEqual({ sent: 1, retrying: 0, failed: 0 });
		expect(smtp.arrived).toHaveLength(1);
	});

	it('hands each mail to one claim only when eight claims run at once on separate connections', async () => {
		for (let n = 1; n <= 40; n++) await enqueueMail(t.db, 'invitation', note(n), T0);
		const pool = openDatabase(onPostgres ? { databaseUrl: t.path, databasePoolSize: 8 } : { databasePath: t.path });
		try {
			const claims = await Promise.all(Array.from({ length: 8 }, () => claimDueMail(pool, at(0)(), 10)));
			const ids = claims.flat().map((m) => m.id);
			expect(ids).toHaveLength(new Set(ids).size);
			expect(ids.length).toBe(40);
		} finally {
			await pool.destroy();
		}
	});

	it('sends each mail once when two workers, each with its own connection to the database, run at once', async () => {
		const count = 40;
		for (let n = 1; n <= count; n++) await enqueueMail(t.db, 'invitation', note(n), T0);
		const second = openDatabase(onPostgres ? { databaseUrl: t.path, databasePoolSize: 4 } : { databasePath: t.path });
		const otherMailer = smtpMailer({ url: smtp.url, from: 'belonging@test.example', timeoutMs: 2000 });
		try {
			const reports = await Promise.all([deliverDueMail(t.db, mailer, at(0), 5), deliverDueMail(second, otherMailer, at(0), 5)]);
			expect(reports[0]!.sent + reports[1]!.sent).toBe(count);
			const subjects = smtp.arrived.map((m) => m.subject).sort();
			expect(subjects).toEqual(Array.from({ length: count }, (_, i) => `Note ${i + 1}`).sort());
			expect((await outboxOverview(t.db)).counts).toEqual({ waiting: 0, sending: 0, sent: count, failed: 0 });
		} finally {
			otherMailer.close?.();
			await second.destroy();
		}
	});
});
