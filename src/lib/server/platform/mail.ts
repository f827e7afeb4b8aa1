/**
 * Outgoing mail is an interface, so a real delivery service can be plugged in. Belonging has no
 * mail server of its own: the console mailer prints each message to the server log, and every
 * link it carries is also shown on screen to the person who created it.
 */
export interface MailMessage {
	to: string;
	subject: string;
	text: string;
}

export interface Mailer {
	send(message: MailMessage): Promise<void>;
}

export const consoleMailer: Mailer = {
	async send({ to, subject, text }) {
		console.log(`[mail] To: ${to}\n[mail] Subject: ${subject}\n${text.replace(/^/gm, '[mail]   ')}`);
	}
};

/** Collects messages instead of sending them: for tests. */
export function memoryMailer(): Mailer & { sent: MailMessage[] } {
	const sent: MailMessage[] = [];
	return {
		sent,
		async send(message) {
			sent.push(message);
		}
	};
}
