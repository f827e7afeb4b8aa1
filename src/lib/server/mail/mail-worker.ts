/**
 * Sends the outbox in the background of the server process: no scheduler of its own. It looks
 * every few seconds (a cheap indexed read when nothing is due), and straight away when nudged
 * after a change has put mail in the outbox. Every instance runs one; their claims never overlap.
 */
import type { Db } from '../db';
import type { Mailer } from './mailer';
import { deliverDueMail } from './outbox';
import { log } from '../platform/logging';

/** What a request needs to know about mail on this instance. */
export interface MailService {
	/** Whether mail really leaves (SMTP), rather than going to the server log. */
	readonly bySmtp: boolean;
	readonly description: string;
	/** Look at the outbox now, rather than at the next tick. */
	nudge(): void;
}

export interface MailWorker {
	/** Look now, rather than at the next tick (after a change has queued mail). */
	nudge(): void;
	/** Stops looking and waits for a round of sending under way. */
	stop(): Promise<void>;
}

export function startMailWorker(db: Db, mailer: Mailer, intervalMs = 5_000): MailWorker {
	let running: Promise<void> | undefined;
	let again = false;
	let stopped = false;
	const run = () => {
		if (stopped) return;
		if (running) {
			again = true;
			return;
		}
		running = deliverDueMail(db, mailer)
			.then(() => undefined)
			.catch((error) => log.error(`Sending mail from the outbox failed: ${(error as Error).message}`))
			.finally(() => {
				running = undefined;
				if (again) {
					again = false;
					run();
				}
			});
	};
	const timer = setInterval(run, intervalMs);
	timer.unref();
	run();
	return {
		nudge: run,
		async stop() {
			stopped = true;
			clearInterval(timer);
			await running;
		}
	};
}
