/**
 * Work that must not happen while a request waits: it would make the answer's timing depend on
 * what the work found (the forgotten-password form would answer a known email more slowly than
 * an unknown one). Tasks run one after another once the current request has been answered; a
 * failure is logged, never shown to the person who asked.
 */
import { log } from './logging';

let queue: Promise<void> = Promise.resolve();

export function afterResponse(label: string, task: () => Promise<void>): void {
	queue = queue
		.then(() => new Promise<void>((resolve) => setImmediate(resolve)))
		.then(task)
		.catch((error) => log.error(`${label} failed: ${(error as Error).message}`));
}

/** Resolves once every task queued so far has run: for tests and for a clean shutdown. */
export function afterResponsesSettled(): Promise<void> {
	return queue;
}
