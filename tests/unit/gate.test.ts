import { describe, expect, it } from 'vitest';
import { ConcurrencyGate, GateFullError } from '../../src/lib/server/platform/gate';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the concurrency gate in front of password checks', () => {
	it('runs at most maxRunning at once, queues maxWaiting more first come first served, and refuses the rest at once', async () => {
		const gate = new ConcurrencyGate(2, 3);
		const releases: (() => void)[] = [];
		const order: number[] = [];
		let peak = 0;
		const task = (n: number) =>
			gate.run(async () => {
				order.push(n);
				peak = Math.max(peak, gate.running);
				await new Promise<void>((resolve) => releases.push(resolve));
				return n;
			});
		const accepted = [1, 2, 3, 4, 5].map(task);
		await tick();
		expect([gate.running, gate.waiting]).toEqual([2, 3]);
		await expect(task(6)).rejects.toBeInstanceOf(GateFullError);
		while (releases.length) {
			releases.shift()!();
			await tick();
		}
		expect(await Promise.all(accepted)).toEqual([1, 2, 3, 4, 5]);
		expect(order).toEqual([1, 2, 3, 4, 5]);
		expect(peak).toBe(2);
		expect([gate.running, gate.waiting]).toEqual([0, 0]);
	});

	it('frees the slot when a task fails', async () => {
		const gate = new ConcurrencyGate(1, 0);
		await expect(gate.run(async () => { throw new Error('boom'); })).rejects.toThrow('boom');
		expect(await gate.run(async () => 'next')).toBe('next');
	});
});
