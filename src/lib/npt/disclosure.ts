/**
 * Disclosure control (SCORING.md §6): nothing about a staff group is shown when fewer than
 * `minResponses` people are in it, and no group can be worked out by subtraction.
 */

export interface DisclosureRules {
	/** MIN_RESPONSES from server configuration. */
	minResponses: number;
}

export type Withheld = { shown: false };
export type Shown<T> = T & { shown: true };
export type Disclosed<T> = Shown<T> | Withheld;

export function canShow(respondents: number, rules: DisclosureRules): boolean {
	return respondents >= rules.minResponses;
}

/** How many more responses a group needs before anything about it can be shown. */
export function respondentsNeeded(respondents: number, rules: DisclosureRules): number {
	return Math.max(0, rules.minResponses - respondents);
}

export function disclose<T extends object>(n: number, value: T, rules: DisclosureRules): Disclosed<T> {
	return canShow(n, rules) ? { ...value, shown: true } : { shown: false };
}

/**
 * Which role groups may be shown. A group is shown only when it and everyone else each reach
 * the minimum. Beyond that rule, when the people in groups that are not shown would form a
 * small remainder (fewer than the minimum, but not none), the smallest shown group is held
 * back too, until the remainder is safe: otherwise one hidden group could be worked out from
 * the round's total minus the shown groups.
 */
export function disclosableRoleGroups(
	groupSizes: ReadonlyMap<string, number>,
	totalRespondents: number,
	rules: DisclosureRules
): Set<string> {
	const shown = new Set<string>();
	for (const [group, n] of groupSizes) {
		if (canShow(n, rules) && canShow(totalRespondents - n, rules)) shown.add(group);
	}
	const sizeOf = (group: string) => groupSizes.get(group) ?? 0;
	for (;;) {
		const hidden = totalRespondents - [...shown].reduce((sum, g) => sum + sizeOf(g), 0);
		if (hidden === 0 || canShow(hidden, rules) || shown.size === 0) break;
		const smallest = [...shown].sort((a, b) => sizeOf(a) - sizeOf(b) || a.localeCompare(b))[0]!;
		shown.delete(smallest);
	}
	return shown;
}

/** Fisher–Yates shuffle, so free-text comments never appear in the order they arrived. */
export function shuffle<T>(items: readonly T[], random: () => number): T[] {
	const out = [...items];
	for (let i = out.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[out[i], out[j]] = [out[j]!, out[i]!];
	}
	return out;
}
