/**
 * One template makes both parts of a mail: the text part says every value as it is, the HTML part
 * escapes it, and every link's full address is written out in both, so a link a mail gateway has
 * rewritten can still be copied.
 */
import { describe, expect, it } from 'vitest';
import { composeMail, renderHtml, renderText, type MailTemplate } from '../../src/lib/server/mail/compose';

const NASTY = `<b>&"Smith's"</b>`;

const template: MailTemplate = {
	to: 'pm@example.nhs.uk',
	subject: `${NASTY}: “Spring” is open`,
	greeting: 'Hello Tom,',
	body: [
		{ paragraph: `The survey for ${NASTY} is open.` },
		{ list: ['Riverside', NASTY] },
		{ link: { label: `Share the survey of ${NASTY}`, url: 'https://belonging.example.org/rounds/1/share?x=1&y=2' } }
	],
	reason: 'You manage the practice.',
	stop: { label: 'Choose your reminders', url: 'https://belonging.example.org/account#reminders' }
};

describe('a mail template', () => {
	it('renders the text part with every value as it is and each address on a line of its own', () => {
		expect(renderText(template)).toBe(
			[
				'Hello Tom,',
				'',
				`The survey for <b>&"Smith's"</b> is open.`,
				'',
				'- Riverside',
				`- <b>&"Smith's"</b>`,
				'',
				`Share the survey of <b>&"Smith's"</b>:`,
				'https://belonging.example.org/rounds/1/share?x=1&y=2',
				'',
				'--',
				'Belonging: helping GP practices embed social prescribing link workers.',
				'You manage the practice.',
				'Choose your reminders:',
				'https://belonging.example.org/account#reminders'
			].join('\n')
		);
	});

	it('escapes every value in the HTML part', () => {
		const html = renderHtml(template);
		expect(html).toContain('<title>&lt;b&gt;&amp;&quot;Smith&#39;s&quot;&lt;/b&gt;: “Spring” is open</title>');
		expect(html).toContain('<p style="margin:0 0 16px">The survey for &lt;b&gt;&amp;&quot;Smith&#39;s&quot;&lt;/b&gt; is open.</p>');
		expect(html).toContain('<li>Riverside</li><li>&lt;b&gt;&amp;&quot;Smith&#39;s&quot;&lt;/b&gt;</li>');
		// The only <b> in the page would be the practice's name unescaped.
		expect(html).not.toContain('<b>');
		expect(html).not.toContain(`Smith's`);
		expect(html).not.toMatch(/<img|<script|src=/i);
	});

	it('writes out each link’s full address beside it in the HTML part', () => {
		const html = renderHtml(template);
		expect(html).toContain(
			'<a href="https://belonging.example.org/rounds/1/share?x=1&amp;y=2" style="color:#005eb8;font-weight:bold">Share the survey of &lt;b&gt;&amp;&quot;Smith&#39;s&quot;&lt;/b&gt;</a><br>' +
				'<span style="font-size:14px;color:#4c6272;word-break:break-all">https://belonging.example.org/rounds/1/share?x=1&amp;y=2</span>'
		);
		expect(html).toContain('>https://belonging.example.org/account#reminders</span>');
	});

	it('puts every link in both parts', () => {
		const mail = composeMail(template);
		for (const url of ['https://belonging.example.org/rounds/1/share?x=1&y=2', 'https://belonging.example.org/account#reminders']) {
			expect(mail.text.split('\n')).toContain(url);
			expect(mail.html).toContain(`href="${url.replace('&', '&amp;')}"`);
			expect(mail.html).toContain(`>${url.replace('&', '&amp;')}</span>`);
		}
	});

	it('marks every mail as written by the program, and one that can be stopped with where to stop it', () => {
		expect(composeMail(template).headers).toEqual({
			'Auto-Submitted': 'auto-generated',
			'List-Unsubscribe': '<https://belonging.example.org/account#reminders>'
		});
		expect(composeMail({ ...template, stop: undefined }).headers).toEqual({ 'Auto-Submitted': 'auto-generated' });
		expect(composeMail({ ...template, stop: undefined }).text).not.toContain('Choose your reminders');
	});

	it('refuses a link that is not http or https', () => {
		const bad = { ...template, body: [{ link: { label: 'Run', url: 'javascript:alert(1)' } }] };
		expect(() => composeMail(bad)).toThrow(/http or https/);
	});
});
