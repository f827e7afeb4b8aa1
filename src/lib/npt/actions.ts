/**
 * "What to work on": each construct scoring below the Belonging construct minimum (SCORING.md §4,
 * 6.25 in the built-in instrument) maps to concrete steps from the research behind DOMAIN.md —
 * induction, team meetings, patient information, protected VCSE time, feedback to referrers,
 * supervision. Weakest construct first.
 */
import { CONSTRUCTS, type Construct } from './constructs';

export interface SuggestedAction {
	/** Stable id, so the same step suggested for a flagged gap can be shown once. */
	id: string;
	title: string;
	detail: string;
}

export interface ConstructToWorkOn {
	construct: Construct;
	score: number;
	actions: SuggestedAction[];
}

export const DEFAULT_CONSTRUCT_MINIMUM = 6.25;

export const CONSTRUCT_ACTIONS: Record<Construct, readonly SuggestedAction[]> = {
	coherence: [
		{
			id: 'induction',
			title: 'Give the link worker a proper induction',
			detail:
				'Write a short induction plan with a named buddy, and time to shadow a GP and a nurse, so the link worker learns how the practice runs and staff learn what the role is for.'
		},
		{
			id: 'team-briefing',
			title: 'Brief the whole team on what link workers do',
			detail:
				'Use a team meeting to explain who the link worker can help, who they cannot, and how to refer; leave a one-page summary of the referral criteria at every desk.'
		},
		{
			id: 'patient-information',
			title: 'Tell patients about social prescribing',
			detail:
				'Add a page to the practice website, a leaflet in the waiting room and a few lines reception staff can say, so patients arrive knowing what to expect.'
		}
	],
	cognitive_participation: [
		{
			id: 'team-meetings',
			title: 'Invite the link worker to team and MDT meetings',
			detail:
				'Put the link worker on the invitation list and give social prescribing a standing slot on the agenda, so the role is seen as part of the team rather than an add-on.'
		},
		{
			id: 'champion',
			title: 'Name a GP or practice champion',
			detail:
				'A named champion who believes in social prescribing encourages referrals, speaks up for the role and gives the link worker someone to go to.'
		},
		{
			id: 'one-line-manager',
			title: 'Make it clear who the link worker answers to',
			detail:
				'When the PCN, a VCSE employer and the practice all have a say, agree one line manager and write down who decides what in a short host agreement.'
		}
	],
	collective_action: [
		{
			id: 'room-and-access',
			title: 'Guarantee a room and system access',
			detail:
				'Book regular sessions in a private room (or a community venue) and make sure the link worker has a clinical record account, a smartcard and a coding template.'
		},
		{
			id: 'protected-vcse-time',
			title: 'Protect time for building local connections',
			detail:
				'Set aside hours each week for the link worker to meet voluntary and community groups; those connections are what patients are referred on to.'
		},
		{
			id: 'longer-appointments',
			title: 'Accept longer appointments',
			detail:
				'Hearing a patient’s whole story takes longer than a clinical slot; judge the link worker’s diary on what patients need, not on how many are seen.'
		}
	],
	reflexive_monitoring: [
		{
			id: 'feedback-loop',
			title: 'Close the loop with referrers',
			detail:
				'Agree a short standard message the link worker sends back to the referring GP or nurse about what happened, so referrers see the difference it makes.'
		},
		{
			id: 'meaningful-measures',
			title: 'Measure what matters, not only throughput',
			detail:
				'Alongside referral counts, collect wellbeing outcomes and a few case studies, and look at them together at a team meeting each quarter.'
		},
		{
			id: 'supervision',
			title: 'Arrange regular supervision',
			detail:
				'Name a GP supervisor and book a protected slot for case discussion and wellbeing support; a lack of supervision is a common reason link workers leave.'
		}
	]
};

/**
 * The constructs below `minimum`, weakest first (ties in NPT order), each with its actions.
 * Withheld constructs (null) are left out: there is nothing to judge them on.
 */
export function suggestActions(
	constructMeans: Record<Construct, number | null>,
	minimum: number = DEFAULT_CONSTRUCT_MINIMUM
): ConstructToWorkOn[] {
	return CONSTRUCTS.flatMap((construct) => {
		const score = constructMeans[construct];
		return score !== null && score < minimum ? [{ construct, score, actions: [...CONSTRUCT_ACTIONS[construct]] }] : [];
	}).sort((a, b) => a.score - b.score);
}
