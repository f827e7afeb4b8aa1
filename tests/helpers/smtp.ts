/**
 * A real SMTP server on a local port, for tests: it takes mail the way a relay would (with a
 * password, no TLS) and keeps what arrived, parsed. `behaviour` makes it refuse or stall instead.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

export interface ArrivedMail {
	to: string;
	from: string;
	subject: string;
	text: string;
	html: string;
	/** Each header as it arrived, by its name in lower case (the last, when one repeats). */
	headers: Record<string, string>;
}

/** What the server does with the next mail: take it, refuse it for now (451) or for good (550), or never answer. */
export type SmtpBehaviour = 'accept' | 'refuse-for-now' | 'refuse-for-good' | 'stall';

export interface TestSmtpServer {
	url: string;
	arrived: ArrivedMail[];
	behaviour: SmtpBehaviour;
	/** Waits until `count` mails have arrived (or fails after `timeoutMs`). */
	waitFor(count: number, timeoutMs?: number): Promise<ArrivedMail[]>;
	/** Waits for a mail to this address (others, such as reminders, may arrive first). */
	waitForMailTo(to: string, timeoutMs?: number): Promise<ArrivedMail>;
	close(): Promise<void>;
}

export const SMTP_USER = 'belonging@test.example';
export const SMTP_PASSWORD = 'smtp-password';

export async function startSmtpServer(behaviour: SmtpBehaviour = 'accept'): Promise<TestSmtpServer> {
	const arrived: ArrivedMail[] = [];
	const state = { behaviour };
	const refusal = (code: number, text: string) => Object.assign(new Error(text), { responseCode: code });
	const server = new SMTPServer({
		disabledCommands: ['STARTTLS'],
		allowInsecureAuth: true,
		logger: false,
		onConnect(_session, callback) {
			if (state.behaviour === 'stall') return; // never greets
			callback();
		},
		onAuth(auth, _session, callback) {
			if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) callback(null, { user: auth.username });
			else callback(refusal(535, 'Authentication failed'));
		},
		onRcptTo(_address, _session, callback) {
			if (state.behaviour === 'refuse-for-now') return callback(refusal(451, 'Try again later'));
			if (state.behaviour === 'refuse-for-good') return callback(refusal(550, 'No such mailbox'));
			callback();
		},
		onData(stream, session, callback) {
			simpleParser(stream)
				.then((mail) => {
					arrived.push({
						to: session.envelope.rcptTo.map((r) => r.address).join(', '),
						from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
						subject: mail.subject ?? '',
						text: mail.text ?? '',
						html: typeof mail.html === 'string' ? mail.html : '',
						headers: Object.fromEntries(mail.headerLines.map(({ key, line }) => [key, line.slice(line.indexOf(':') + 1).trim()]))
					});
					callback();
				})
				.catch(callback);
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.server.address() as AddressInfo;
	return {
		url: `smtp://${encodeURIComponent(SMTP_USER)}:${SMTP_PASSWORD}@127.0.0.1:${port}`,
		arrived,
		get behaviour() {
			return state.behaviour;
		},
		set behaviour(next) {
			state.behaviour = next;
		},
		async waitFor(count, timeoutMs = 10_000) {
			const until = Date.now() + timeoutMs;
			while (arrived.length < count) {
				if (Date.now() > until) throw new Error(`Expected ${count} mails, ${arrived.length} arrived`);
				await new Promise((resolve) => setTimeout(resolve, 20));
			}
			return arrived;
		},
		async waitForMailTo(to, timeoutMs = 10_000) {
			const until = Date.now() + timeoutMs;
			for (;;) {
				const mail = arrived.find((m) => m.to === to);
				if (mail) return mail;
				if (Date.now() > until) throw new Error(`No mail to ${to} arrived; ${arrived.length} others did`);
				await new Promise((resolve) => setTimeout(resolve, 20));
			}
		},
		close: () => new Promise<void>((resolve) => server.close(() => resolve()))
	};
}
