/**
 * A gate that lets a few tasks run at once and queues a bounded number more, first come first
 * served; past that it refuses at once rather than making everyone wait behind a burst.
 */
export class GateFullError extends Error {
	name = 'GateFullError';
	constructor() {
		super('Too many tasks are waiting');
	}
}

export class ConcurrencyGate {
	#running = 0;
	readonly #waiting: (() => void)[] = [];

	constructor(
		readonly maxRunning: number,
		readonly maxWaiting: number
	) {}

	get running(): number {
		return this.#running;
	}

	get waiting(): number {
		return this.#waiting.length;
	}

	async run<T>(task: () => Promise<T>): Promise<T> {
		if (this.#running >= this.maxRunning) {
			if (this.#waiting.length >= this.maxWaiting) throw new GateFullError();
			// The slot is handed over by the task that finishes, so #running never drops in between.
			await new Promise<void>((resolve) => this.#waiting.push(resolve));
		} else {
			this.#running += 1;
		}
		try {
			return await task();
		} finally {
			const next = this.#waiting.shift();
			if (next) next();
			else this.#running -= 1;
		}
	}
}
