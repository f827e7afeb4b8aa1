/**
 * Each kind of mail, queued by the code that really sends it: both parts from one template, every
 * link's address written out in both, the invitation naming the practices or PCNs of the invitee's
 * own scope (and no one else's), and the headers kept with the mail: Auto-Submitted on every mail,
 * List-Unsubscribe to the reminder settings on the reminders a person can stop, and on no other.
 * Practice A2 is given a name full of markup, which the HTML part must escape.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays } from '../../src/lib/dates';
import { inviteUser, issuePasswordReset, reissueInvitation, requestPasswordReset } from '../../src/lib/server/accounts/invitations';
import { runSurveyCalendar } from '../../src/lib/server/calendar/calendar-pass';
import { ROUND_NOTICE_KINDS } from '../../src/lib/server/mail/kinds';
import { closeDueRounds } from '../../src/lib/server/surveys/rounds';
import { createAccessFixture, type AccessFixture } from '../helpers/access-fixture';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { queuedMail, type QueuedMail } from '../helpers/mail';
import { markRoundsNoticed, saveEveryFourMonthsAtA2 } from '../helpers/calendar';

const ORIGIN = 'https://belonging.example.org';
const NASTY = `<b>&"Smith's"</b> Surgery`;
const NASTY_HTML = '&lt;b&gt;&amp;&quot;Smith&#39;s&quot;&lt;/b&gt; Surgery';
const T0 = new Date('2026-12-03T10:00:00.000Z');
const options = { origin: ORIGIN, mail: true, now: T0 };

/** Every address the HTML part links to, and each one written out as text in both parts. */
function expectEveryLinkWrittenOut(mail: QueuedMail) {
	const hrefs = [...mail.html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
	expect(hrefs.length).toBeGreaterThan(0);
	for (const href of hrefs) {
		expect(mail.html).toContain(`>${href}</span>`);
		expect(mail.text.split('\n')).toContain(href.replaceAll('&amp;', '&'));
	}
	// And no address in the text part that the HTML part does not link to.
	const textUrls = mail.text.split('\n').filter((line) => line.startsWith('https://'));
	expect(textUrls.sort()).toEqual(hrefs.map((h) => h.replaceAll('&amp;', '&')).sort());
}

describe('each kind of mail', () => {
	let t: TestDatabase;
	let f: AccessFixture;

	beforeEach(async () => {
		t = await createTestDatabase();
		f = await createAccessFixture(t.db);
		await t.db.updateTable('practice').set({ name: NASTY }).where('id', '=', f.practices.a2.id).execute();
	});
	afterEach(() => t.close());

	it('invites a practice manager by naming their practice, who invited them and as what, escaped in HTML', async () => {
		const outcome = await inviteUser(
			t.db,
			f.users.pcnLead,
			{ email: 'new.pm@example.nhs.uk', displayName: 'Pat New', role: 'practice_manager', scope: { practiceIds: [f.practices.a2.id] } },
			options
		);
		if (!outcome.ok) throw new Error('refused');
		const [mail] = await queuedMail(t.db);
		expect(mail!.kind).toBe('invitation');
		const lead = f.users.pcnLead.displayName;
		expect(mail!.text).toContain(`${lead} has invited you to Belonging as a practice manager.\n\nYour account is for the practice ${NASTY}.`);
		expect(mail!.html).toContain(`<p style="margin:0 0 16px">Your account is for the practice ${NASTY_HTML}.</p>`);
		expect(mail!.html).not.toContain('<b>');
		expect(mail!.text).toContain(`\n${outcome.link.url}\n`);
		expectEveryLinkWrittenOut(mail!);
		// Nothing of anyone else's scope: the lead's other practice, or any PCN.
		expect(mail!.text).not.toMatch(/Practice A1|PCN A/);
		// Sent because someone asked for it: written by the program, but nothing to stop.
		expect(mail!.headers).toEqual({ 'Auto-Submitted': 'auto-generated' });
	});

	it('lists the PCNs of a PCN lead’s invitation, and a sent-again invitation names the practice too', async () => {
		const outcome = await inviteUser(
			t.db,
			f.users.admin,
			{ email: 'new.lead@example.nhs.uk', displayName: 'Lee New', role: 'pcn_lead', scope: { pcnIds: [f.pcns.b.id, f.pcns.a.id] } },
			options
		);
		if (!outcome.ok) throw new Error('refused');
		const again = await reissueInvitation(t.db, f.users.admin, f.others.invitedB1.id, options);
		if (!again.ok) throw new Error('refused');
		const [lead, invitedB1] = await queuedMail(t.db);
		expect(lead!.text).toContain('Your account is for these PCNs:\n\n- PCN A\n- PCN B\n\n');
		expect(lead!.html).toContain('<li>PCN A</li><li>PCN B</li>');
		expect(lead!.text).not.toContain('Practice');
		expect(invitedB1).toMatchObject({ kind: 'invitation', to: 'invited.b1@matrix.example' });
		expect(invitedB1!.text).toContain(`${f.users.admin.displayName} has invited you to Belonging as a practice manager.\n\nYour account is for the practice Practice B1.`);
		for (const mail of [lead!, invitedB1!]) {
			expectEveryLinkWrittenOut(mail);
			expect(mail.headers).toEqual({ 'Auto-Submitted': 'auto-generated' });
		}
	});

	it('sends password reset links, asked for or issued, with no List-Unsubscribe', async () => {
		const issued = await issuePasswordReset(t.db, f.users.admin, f.others.managerA2.id, options);
		if (!issued.ok) throw new Error('refused');
		await requestPasswordReset(t.db, f.users.manager.email, options);
		const mails = await queuedMail(t.db);
		expect(mails.map((m) => [m.kind, m.to])).toEqual([
			['password_reset', 'manager.a2@matrix.example'],
			['password_reset', 'manager.a1@matrix.example']
		]);
		for (const mail of mails) {
			expect(mail.text).toMatch(/\nChoose a new password \(the link works once, until .+\):\nhttps:\/\/belonging\.example\.org\/reset-password\/[\w-]{43}\n/);
			expectEveryLinkWrittenOut(mail);
			expect(mail.headers).toEqual({ 'Auto-Submitted': 'auto-generated' });
		}
	});

	it('marks every round reminder as automatic, with List-Unsubscribe to the reminder settings', async () => {
		// The fixture's own rounds have had their notices: only A2's calendar rounds mail here.
		await markRoundsNoticed(t.db);
		expect(await saveEveryFourMonthsAtA2(t.db, f)).toMatchObject({ ok: true });
		for (let today = '2026-12-14'; today <= '2027-02-05'; today = addDays(today, 1)) {
			await closeDueRounds(t.db, today);
			await runSurveyCalendar(t.db, { today, now: new Date(`${today}T07:00:00Z`), origin: ORIGIN, minResponses: 5 });
		}
		const mails = await queuedMail(t.db);
		expect([...new Set(mails.map((m) => m.kind))].sort()).toEqual([...ROUND_NOTICE_KINDS].sort());
		for (const mail of mails) {
			expect(mail.headers).toEqual({ 'Auto-Submitted': 'auto-generated', 'List-Unsubscribe': `<${ORIGIN}/account#reminders>` });
			expect(mail.text).toContain(`\nChoose which reminders you get, or stop them:\n${ORIGIN}/account#reminders`);
			expect(mail.html).toContain(NASTY_HTML);
			expect(mail.html).not.toContain('<b>');
			expect(mail.text).toContain(NASTY);
			expectEveryLinkWrittenOut(mail);
		}
	});
});
