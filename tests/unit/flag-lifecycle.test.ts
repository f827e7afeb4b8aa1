import { describe, expect, it } from 'vitest';
import { FLAG_STATES, allowedTransitions, transitionProblem, type FlagState } from '../../src/lib/npt/flag-lifecycle';

describe('flag life-cycle', () => {
	it('lets the practice or PCN move a flag forward one step at a time', () => {
		expect(transitionProblem('open', 'acknowledged', 'responder')).toBeNull();
		expect(transitionProblem('acknowledged', 'in_progress', 'responder')).toBeNull();
		expect(transitionProblem('in_progress', 'resolved', 'responder')).toBeNull();
	});

	it('rejects skipping or going back a step', () => {
		expect(transitionProblem('open', 'in_progress', 'responder')).toBe('An open flag can next be marked acknowledged.');
		expect(transitionProblem('open', 'resolved', 'responder')).not.toBeNull();
		expect(transitionProblem('in_progress', 'acknowledged', 'responder')).not.toBeNull();
		expect(transitionProblem('acknowledged', 'acknowledged', 'responder')).toBe('The flag is already acknowledged.');
	});

	it('allows won’t fix from any unresolved state only with a reason, and only for the responder', () => {
		for (const from of ['open', 'acknowledged', 'in_progress'] as FlagState[]) {
			expect(transitionProblem(from, 'wont_fix', 'responder', 'No room in the building')).toBeNull();
			expect(transitionProblem(from, 'wont_fix', 'responder', '   ')).toBe('Say why this will not be fixed.');
			expect(transitionProblem(from, 'wont_fix', 'responder')).toBe('Say why this will not be fixed.');
		}
		expect(transitionProblem('resolved', 'wont_fix', 'responder', 'reason')).not.toBeNull();
		expect(transitionProblem('open', 'wont_fix', 'raiser', 'reason')).not.toBeNull();
	});

	it('lets only the raiser reopen, and only a closed flag', () => {
		expect(transitionProblem('resolved', 'open', 'raiser')).toBeNull();
		expect(transitionProblem('wont_fix', 'open', 'raiser')).toBeNull();
		expect(transitionProblem('resolved', 'open', 'responder')).toBe('Only the link worker who raised the flag can reopen it.');
		expect(transitionProblem('acknowledged', 'open', 'raiser')).toBe('Only a resolved or closed flag can be reopened.');
	});

	it('lets the raiser resolve from any unresolved state but not move it forward otherwise', () => {
		expect(transitionProblem('open', 'resolved', 'raiser')).toBeNull();
		expect(transitionProblem('in_progress', 'resolved', 'raiser')).toBeNull();
		expect(transitionProblem('open', 'acknowledged', 'raiser')).not.toBeNull();
		expect(transitionProblem('wont_fix', 'resolved', 'raiser')).not.toBeNull();
	});

	it('lists the allowed next states for each side', () => {
		const table = Object.fromEntries(FLAG_STATES.map((s) => [s, [allowedTransitions(s, 'responder'), allowedTransitions(s, 'raiser')]]));
		expect(table).toEqual({
			open: [['acknowledged', 'wont_fix'], ['resolved']],
			acknowledged: [['in_progress', 'wont_fix'], ['resolved']],
			in_progress: [['resolved', 'wont_fix'], ['resolved']],
			resolved: [[], ['open']],
			wont_fix: [[], ['open']]
		});
	});
});
