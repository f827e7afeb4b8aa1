/**
 * Every mail Belonging sends has the same parts, in a plain-text version and a simple HTML one:
 * a greeting, what happened, at most one link to act on, and a footer that names the product,
 * says why this person is getting the mail and how to stop it, where stopping is possible.
 */
import type { MailMessage } from './mailer';

export interface MailContent {
	to: string;
	subject: string;
	greeting: string;
	/** Paragraphs of plain text. */
	paragraphs: string[];
	/** The one thing to do, as a link: shown as a button-like link and, in text, on its own line. */
	action?: { label: string; url: string };
	/** Paragraphs after the link, e.g. when it stops working. */
	after?: string[];
	/** Why this person is getting this mail. */
	reason: string;
	/** How to stop getting mails like it; absent where there is nothing to stop (a link they asked for). */
	stop?: string;
}

const escapeHtml = (text: string) =>
	text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function composeMail(content: MailContent): MailMessage {
	const footer = ['Belonging: helping GP practices embed social prescribing link workers.', content.reason];
	if (content.stop) footer.push(content.stop);
	const text = [
		content.greeting,
		'',
		...content.paragraphs.flatMap((p) => [p, '']),
		...(content.action ? [`${content.action.label}:`, content.action.url, ''] : []),
		...(content.after ?? []).flatMap((p) => [p, '']),
		'--',
		...footer
	].join('\n');
	const paragraph = (p: string) => `<p style="margin:0 0 16px">${escapeHtml(p)}</p>`;
	const html = [
		'<!doctype html>',
		'<html lang="en-GB">',
		'<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
		`<title>${escapeHtml(content.subject)}</title></head>`,
		'<body style="margin:0;padding:16px;background:#ffffff;color:#212b32;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5">',
		'<div style="max-width:600px">',
		paragraph(content.greeting),
		...content.paragraphs.map(paragraph),
		content.action
			? `<p style="margin:0 0 16px"><a href="${escapeHtml(content.action.url)}" style="color:#005eb8;font-weight:bold">${escapeHtml(content.action.label)}</a></p>`
			: '',
		...(content.after ?? []).map(paragraph),
		'<hr style="border:0;border-top:1px solid #d8dde0;margin:24px 0">',
		...footer.map((p) => `<p style="margin:0 0 8px;font-size:14px;color:#4c6272">${escapeHtml(p)}</p>`),
		'</div>',
		'</body>',
		'</html>'
	]
		.filter((line) => line !== '')
		.join('\n');
	return { to: content.to, subject: content.subject, text, html };
}
