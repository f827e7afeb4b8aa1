/**
 * Disclosure control (docs/scoring.md §6): no figure is shown when fewer than `minResponses` people
 * are behind it, counting only the people it is computed from, and no group can be worked out
 * by subtraction. Every output (pages, CSV, API, mail) decides through canShow or disclose.
 */

import { AGREEMENT_POINTS, type AgreementPoint } from './answers';

export interface DisclosureRules {
	/** MIN_RESPONSES from server configuration. */
	minResponses: number;
}

export type Withheld = { shown: false };
export type Shown<T> = T & { shown: true };
export type Disclosed<T> = Shown<T> | Withheld;

/**
 * A figure, described by what it is computed from, so that one rule counts the people behind
 * it (docs/scoring.md §6). Callers say which kind of figure they hold, never a bare number.
 */
export type Figure =
	/** Anything about a set of respondents as a whole: a round's results, its comments, how many answered. */
	| { respondents: number }
	/** A group score (overall, a construct, a general rating's mean): the people who have that score. */
	| { score: { readonly n: number } }
	/**
	 * A statement's distribution, its "% agree" and its staff mean in a perception gap: the people
	 * who *scored* it, from its answers by point, so "not relevant" and skipped answers cannot count.
	 */
	| { scored: Readonly<Record<AgreementPoint, number>> };

/** How many people a figure is computed from. */
export function peopleBehind(figure: Figure): number {
	if ('respondents' in figure) return figure.respondents;
	if ('score' in figure) return figure.score.n;
	return AGREEMENT_POINTS.reduce((sum, point) => sum + figure.scored[point], 0);
}

function enough(people: number, rules: DisclosureRules): boolean {
	return people >= rules.minResponses;
}

/** Whether a figure may be shown: the one rule every output asks (docs/scoring.md §6). */
export function canShow(figure: Figure, rules: DisclosureRules): boolean {
	return enough(peopleBehind(figure), rules);
}

/** How many more people a figure needs before it can be shown. */
export function respondentsNeeded(figure: Figure, rules: DisclosureRules): number {
	return Math.max(0, rules.minResponses - peopleBehind(figure));
}

/** The value when its figure may be shown; otherwise only the word that it is withheld. */
export function disclose<T extends object>(figure: Figure, value: T, rules: DisclosureRules): Disclosed<T> {
	return canShow(figure, rules) ? { ...value, shown: true } : { shown: false };
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
		if (enough(n, rules) && enough(totalRespondents - n, rules)) shown.add(group);
	}
	const sizeOf = (group: string) => groupSizes.get(group) ?? 0;
	for (;;) {
		const hidden = totalRespondents - [...shown].reduce((sum, g) => sum + sizeOf(g), 0);
		if (hidden === 0 || enough(hidden, rules) || shown.size === 0) break;
		const smallest = [...shown].sort((a, b) => sizeOf(a) - sizeOf(b) || a.localeCompare(b))[0]!;
		shown.delete(smallest);
	}
	return shown;
}

/**
 * Which role groups may be shown when each figure of a group (the overall score, each construct
 * score) rests on its own number of people (docs/scoring.md §6, per figure). First the groups
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
	const noneOrEnough = (n: number) => n === 0 || enough(n, rules);
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
