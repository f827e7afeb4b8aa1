/**
 * Every mail Belonging sends is one template: a greeting, blocks of content (paragraphs, links,
 * lists), and a footer that names the product, says why this person is getting the mail and, where
 * stopping is possible, how to stop it. Two small renderers turn the same template into the
 * plain-text part and the HTML part, so the two always say the same thing.
 *
 * Every link is shown with its full address written out beside it: NHSmail and other gateways
 * rewrite links to scan them, and a rewritten link can break; the address as text can still be
 * copied. The HTML part escapes every value, and has no remote images or scripts.
 */
import type { MailMessage } from './mailer';

export interface MailLink {
	label: string;
	/** An absolute http(s) address. */
	url: string;
}

export type MailBlock = { paragraph: string } | { link: MailLink } | { list: string[] };

export interface MailTemplate {
	to: string;
	subject: string;
	greeting: string;
	body: MailBlock[];
	/** Why this person is getting this mail. */
	reason: string;
	/**
	 * Where the person chooses whether to get mails like this one; absent where there is nothing to
	 * stop (a link they, or someone for them, asked for). It is also the List-Unsubscribe address.
	 */
	stop?: MailLink;
}

const PRODUCT = 'Belonging: helping GP practices embed social prescribing link workers.';

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The address as a URL parser writes it: only http(s), and never a line break in a header. */
function checkedUrl(url: string): string {
	const parsed = new URL(url);
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`A mail link must be http or https, not ${parsed.protocol}`);
	return parsed.href;
}

const paragraph = (text: string): MailBlock => ({ paragraph: text });

function footerOf(template: MailTemplate): MailBlock[] {
	return [paragraph(PRODUCT), paragraph(template.reason), ...(template.stop ? [{ link: template.stop }] : [])];
}

function blockText(block: MailBlock): string {
	if ('paragraph' in block) return block.paragraph;
	if ('link' in block) return `${block.link.label}:\n${checkedUrl(block.link.url)}`;
	return block.list.map((item) => `- ${item}`).join('\n');
}

/** The plain-text part: blocks a blank line apart, each address on a line of its own. */
export function renderText(template: MailTemplate): string {
	return [
		template.greeting,
		...template.body.map(blockText),
		['--', ...footerOf(template).map(blockText)].join('\n')
	].join('\n\n');
}

const TEXT = 'margin:0 0 16px';
const SMALL = 'margin:0 0 8px;font-size:14px;color:#4c6272';

function blockHtml(block: MailBlock, style: string): string {
	if ('paragraph' in block) return `<p style="${style}">${escapeHtml(block.paragraph)}</p>`;
	if ('link' in block) {
		const url = checkedUrl(block.link.url);
		return [
			`<p style="${style}"><a href="${escapeHtml(url)}" style="color:#005eb8;font-weight:bold">${escapeHtml(block.link.label)}</a><br>`,
			`<span style="font-size:14px;color:#4c6272;word-break:break-all">${escapeHtml(url)}</span></p>`
		].join('');
	}
	return `<ul style="${style};padding-left:24px">${block.list.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`;
}

/** The HTML part: the same blocks, every value escaped, each link's address shown under it as text. */
export function renderHtml(template: MailTemplate): string {
	return [
		'<!doctype html>',
		'<html lang="en-GB">',
		'<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
		`<title>${escapeHtml(template.subject)}</title></head>`,
		'<body style="margin:0;padding:16px;background:#ffffff;color:#212b32;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5">',
		'<div style="max-width:600px">',
		blockHtml(paragraph(template.greeting), TEXT),
		...template.body.map((block) => blockHtml(block, TEXT)),
		'<hr style="border:0;border-top:1px solid #d8dde0;margin:24px 0">',
		...footerOf(template).map((block) => blockHtml(block, SMALL)),
		'</div>',
		'</body>',
		'</html>'
	].join('\n');
}

/**
 * Headers every mail carries. Every mail Belonging sends is written by the program, never by a
 * person, and is not a reply to a mail, so each is `Auto-Submitted: auto-generated` (RFC 3834 §5):
 * out-of-office and other automatic replies must not answer it. A mail the person can stop (the
 * round reminders) also carries List-Unsubscribe, pointing at the settings where they stop it
 * (RFC 2369): that page needs signing in, so there is no one-click List-Unsubscribe-Post.
 */
export function headersOf(template: MailTemplate): Record<string, string> {
	return {
		'Auto-Submitted': 'auto-generated',
		...(template.stop ? { 'List-Unsubscribe': `<${checkedUrl(template.stop.url)}>` } : {})
	};
}

export function composeMail(template: MailTemplate): MailMessage {
	return { to: template.to, subject: template.subject, text: renderText(template), html: renderHtml(template), headers: headersOf(template) };
}
