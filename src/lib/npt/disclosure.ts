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

/**
 * Which role groups may be shown when each figure of a group (the overall score, each construct
 * score) rests on its own number of people (SCORING.md §6, per figure). First the groups
 * themselves must pass disclosableRoleGroups on their sizes. Then, for every figure, a group's
 * count for it and the rest's must each be none or at least the minimum, and the people behind
 * that figure outside the shown groups must be none or at least the minimum too.
 *
 * A group is shown whole or not at all: if one of its figures fails, all of them are held back.
 * Otherwise a hidden construct score could be worked out from the group's overall score and its
 * other three constructs, and then the round's figure minus the group's gives the rest's.
 * Holding a group back can leave a small remainder in another figure, so the rule is applied
 * again until nothing changes.
 */
export function disclosableRoleGroupsPerFigure<F extends string>(
	groups: ReadonlyMap<string, { respondents: number; figures: Readonly<Record<F, number>> }>,
	totals: { respondents: number; figures: Readonly<Record<F, number>> },
	rules: DisclosureRules
): Set<string> {
	const noneOrEnough = (n: number) => n === 0 || canShow(n, rules);
	const figures = Object.keys(totals.figures) as F[];
	let shown = disclosableRoleGroups(new Map([...groups].map(([g, v]) => [g, v.respondents])), totals.respondents, rules);
	for (;;) {
		const next = new Set(
			[...shown].filter((group) => {
				const own = groups.get(group)!.figures;
				return figures.every((f) => noneOrEnough(own[f]) && noneOrEnough(totals.figures[f] - own[f]));
			})
		);
		const contributes = (g: string, f: F) => groups.get(g)!.figures[f];
		const holdBackOne = () => {
			for (const f of figures) {
				const remainder = totals.figures[f] - [...next].reduce((sum, g) => sum + contributes(g, f), 0);
				if (noneOrEnough(remainder)) continue;
				// The group with the fewest people behind that figure, as disclosableRoleGroups does. When
				// no shown group has anyone behind it, the remainder is the round's own figure, withheld itself.
				const fewest = [...next]
					.filter((g) => contributes(g, f) > 0)
					.sort((a, b) => contributes(a, f) - contributes(b, f) || a.localeCompare(b))[0];
				if (fewest !== undefined) return next.delete(fewest);
			}
			return false;
		};
		while (holdBackOne());
		if (next.size === shown.size) return next;
		shown = next;
	}
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
