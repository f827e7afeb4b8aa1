/**
 * How a mail leaves: the console mailer (the default, which prints each mail to the server log)
 * or SMTP through nodemailer when SMTP_URL is set. Nothing calls a mailer during a request: mail
 * goes into the outbox with the change that causes it, and the outbox worker sends it.
 */
import nodemailer from 'nodemailer';
import { log } from '../platform/logging';

export interface MailMessage {
	to: string;
	subject: string;
	text: string;
	html: string;
	/** Extra headers, such as Auto-Submitted and List-Unsubscribe (compose.ts headersOf). */
	headers: Record<string, string>;
}

export interface Mailer {
	/** Where mail goes, in words, for the admin page and the start-up log (no password). */
	readonly description: string;
	/** Resolves once the mail is accepted; rejects with a MailError otherwise. */
	send(message: MailMessage): Promise<void>;
	/** Lets go of open connections. */
	close?(): void;
}

/** A delivery that failed; `permanent` when trying again cannot help (the server said 5xx). */
export class MailError extends Error {
	constructor(
		message: string,
		readonly permanent: boolean
	) {
		super(message);
		this.name = 'MailError';
	}
}

/**
 * Prints each mail whole (its address and any single-use link in it) to the server log, as one
 * line with a `mail` field: by design, as without SMTP_URL the log is where mail goes. The only
 * line that carries an address or a link (platform/logging.ts).
 */
export const consoleMailer: Mailer = {
	description: 'the server log (SMTP_URL is not set)',
	async send({ to, subject, text }) {
		log.info({ mail: { to, subject, text } }, `Mail to ${to}: ${subject}`);
	}
};

/** Collects messages instead of sending them: for tests. */
export function memoryMailer(): Mailer & { sent: MailMessage[] } {
	const sent: MailMessage[] = [];
	return {
		description: 'memory',
		sent,
		async send(message) {
			sent.push(message);
		}
	};
}

export interface SmtpOptions {
	/** smtp://user:pass@host:587 (STARTTLS when the server offers it) or smtps://…:465 (TLS). */
	url: string;
	/** The From address, e.g. "Belonging <belonging@nhs.net>". */
	from: string;
	/** How long to wait for the server at each step before giving up on this attempt. */
	timeoutMs?: number;
}

export function smtpMailer({ url, from, timeoutMs = 20_000 }: SmtpOptions): Mailer {
	// A few pooled connections, reused from mail to mail, rather than one connection per mail.
	const transport = nodemailer.createTransport({
		pool: true,
		maxConnections: 3,
		url,
		connectionTimeout: timeoutMs,
		greetingTimeout: timeoutMs,
		socketTimeout: timeoutMs
	});
	const address = new URL(url);
	return {
		description: `SMTP at ${address.hostname}:${address.port || (address.protocol === 'smtps:' ? 465 : 587)}`,
		async send({ to, subject, text, html, headers }) {
			try {
				await transport.sendMail({ from, to, subject, text, html, headers });
			} catch (error) {
				const { message, responseCode } = error as Error & { responseCode?: number };
				throw new MailError(message, typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600);
			}
		},
		close() {
			transport.close();
		}
	};
}
