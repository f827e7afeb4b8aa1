/**
 * Seeded randomness for synthetic answers: the same seed gives the same demo every time.
 */


/** mulberry32: a small, well-mixed 32-bit generator; plenty for synthetic survey answers. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** A standard normal draw (Box–Muller) from a uniform source. */
export function normal(random: () => number): number {
	const u = 1 - random();
	const v = random();
	return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** One value, chosen with the given weights. */
export function pick<T>(random: () => number, weighted: readonly (readonly [T, number])[]): T {
	const total = weighted.reduce((sum, [, w]) => sum + w, 0);
	let r = random() * total;
	for (const [value, weight] of weighted) {
		r -= weight;
		if (r < 0) return value;
	}
	return weighted[weighted.length - 1]![0];
}
