/**
 * The life-cycle of an infrastructure flag, as pure rules so the server and the pages agree on
 * what each person may do. The practice or PCN moves a flag forward one step at a time
 * (open → acknowledged → in progress → resolved) so the history shows each stage, and may
 * close it as "won't fix" only by saying why. The link worker who raised it owns the gap:
 * they may say it is resolved at any stage (it is their experience that counts) and reopen it
 * when it comes back.
 */

export const FLAG_STATES = ['open', 'acknowledged', 'in_progress', 'resolved', 'wont_fix'] as const;
export type FlagState = (typeof FLAG_STATES)[number];

export const FLAG_STATE_LABELS: Record<FlagState, string> = {
	open: 'Open',
	acknowledged: 'Acknowledged',
	in_progress: 'In progress',
	resolved: 'Resolved',
	wont_fix: 'Won’t fix'
};

/** States in which the gap is still there. */
export const UNRESOLVED_STATES: readonly FlagState[] = ['open', 'acknowledged', 'in_progress'];

export function isUnresolved(state: FlagState): boolean {
	return UNRESOLVED_STATES.includes(state);
}

/** Who is asking: the link worker who raised the flag, or a manager or PCN lead responding to it. */
export type FlagSide = 'raiser' | 'responder';

export const FLAG_REASON_MAX = 1000;

const NEXT_STEP: Partial<Record<FlagState, FlagState>> = {
	open: 'acknowledged',
	acknowledged: 'in_progress',
	in_progress: 'resolved'
};

/**
 * Null when the change is allowed, otherwise a sentence saying why not. `reason` is the text
 * given with the change (required for won't fix).
 */
export function transitionProblem(from: FlagState, to: FlagState, side: FlagSide, reason?: string | null): string | null {
	if (from === to) return `The flag is already ${FLAG_STATE_LABELS[to].toLowerCase()}.`;
	if (to === 'open') {
		if (isUnresolved(from)) return 'Only a resolved or closed flag can be reopened.';
		if (side !== 'raiser') return 'Only the link worker who raised the flag can reopen it.';
		return null;
	}
	if (to === 'wont_fix') {
		if (!isUnresolved(from)) return 'Only a flag that is still open can be closed as won’t fix.';
		if (side !== 'responder') return 'Won’t fix is for the practice or PCN to decide; you can mark the gap resolved instead.';
		if (!reason || !reason.trim()) return 'Say why this will not be fixed.';
		return null;
	}
	if (to === 'resolved' && side === 'raiser') {
		return isUnresolved(from) ? null : 'Only a flag that is still open can be resolved.';
	}
	if (side !== 'responder') return 'The practice or PCN moves a flag forward; you can mark it resolved or reopen it.';
	if (NEXT_STEP[from] !== to) {
		const next = NEXT_STEP[from];
		return next
			? `${/^[aeiou]/.test(from) ? 'An' : 'A'} ${FLAG_STATE_LABELS[from].toLowerCase()} flag can next be marked ${FLAG_STATE_LABELS[next].toLowerCase()}.`
			: 'This flag is closed; only the link worker who raised it can reopen it.';
	}
	return null;
}

/** The states this side may move a flag to from `from` (won't fix listed even though it needs a reason). */
export function allowedTransitions(from: FlagState, side: FlagSide): FlagState[] {
	return FLAG_STATES.filter((to) => transitionProblem(from, to, side, 'reason given') === null);
}
