/**
 * "What to work on": each construct scoring below the Belonging construct minimum (docs/scoring.md §4,
 * 6.25 in the built-in instrument) maps to concrete steps from the research behind DOMAIN.md —
 * induction, team meetings, patient information, protected VCSE time, feedback to referrers,
 * supervision. Weakest construct first. `PCN_ACTIONS` are the network-wide counterparts a PCN lead
 * can set up once for every practice at the same time.
 */
import { constructStanding } from './construct-standing';
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
		const standing = constructStanding(score, { belongingConstructMinimum: minimum });
		return score !== null && standing === 'below' ? [{ construct, score, actions: [...CONSTRUCT_ACTIONS[construct]] }] : [];
	}).sort((a, b) => a.score - b.score);
}

/**
 * Steps a PCN can take once for all its practices, for constructs that are weak across the
 * network (the PCN dashboard's common gaps). Drawn from the same research: shared induction,
 * peer support, a directory of local services, feedback to referrers, supervision and protected
 * VCSE time, organised at network level so no practice has to invent them alone.
 */
export const PCN_ACTIONS: Record<Construct, readonly SuggestedAction[]> = {
	coherence: [
		{
			id: 'pcn-shared-induction',
			title: 'Run one induction programme across the PCN',
			detail:
				'Write a single induction for every link worker joining the network, with a buddy at each practice and time to shadow clinicians, so each practice does not have to start from scratch.'
		},
		{
			id: 'pcn-role-briefing',
			title: 'Give every practice the same short briefing on the role',
			detail:
				'Prepare one set of slides and a one-page referral guide for the network, and take them to each practice’s team meeting, so staff everywhere hear the same account of who link workers can help.'
		},
		{
			id: 'pcn-patient-information',
			title: 'Share patient information about social prescribing',
			detail:
				'Produce a leaflet, a website page and a reception script once for the PCN, and let every practice use them with its own details added.'
		}
	],
	cognitive_participation: [
		{
			id: 'pcn-champions-network',
			title: 'Bring practice champions together',
			detail:
				'Ask each practice to name a GP or staff champion for social prescribing, and meet as a group a few times a year to share what helps referrals and what gets in the way.'
		},
		{
			id: 'pcn-host-agreement',
			title: 'Agree one host arrangement for the network',
			detail:
				'Where the PCN, a VCSE employer and the practices all have a say, write one agreement that names the line manager and says who decides what, and use it in every practice.'
		},
		{
			id: 'pcn-meeting-invitations',
			title: 'Make team meeting invitations a PCN expectation',
			detail:
				'Agree across the network that link workers are invited to practice team and MDT meetings, with social prescribing as a regular agenda item.'
		}
	],
	collective_action: [
		{
			id: 'pcn-services-directory',
			title: 'Keep a shared directory of local services',
			detail:
				'Build one up-to-date directory of voluntary and community services for the whole PCN, so link workers and staff in every practice refer to the same, current list.'
		},
		{
			id: 'pcn-protected-vcse-time',
			title: 'Agree protected VCSE time across the PCN',
			detail:
				'Set a number of hours each week that every link worker keeps for meeting local groups, agreed with all practices so no single practice has to defend it alone.'
		},
		{
			id: 'pcn-joint-supervision',
			title: 'Arrange supervision jointly',
			detail:
				'Set up supervision for all the network’s link workers together, with named clinical supervisors and protected slots, including for those employed by a VCSE partner.'
		}
	],
	reflexive_monitoring: [
		{
			id: 'pcn-feedback-template',
			title: 'Use one feedback template to referrers',
			detail:
				'Agree a short standard message that every link worker sends back to the referring clinician, so referrers in all practices hear what happened to their patients.'
		},
		{
			id: 'pcn-peer-support',
			title: 'Start a peer support group for link workers',
			detail:
				'Give the network’s link workers a regular protected meeting to discuss cases, share local knowledge and support each other; isolation is a common reason they leave.'
		},
		{
			id: 'pcn-shared-measures',
			title: 'Report the same meaningful measures in every practice',
			detail:
				'Agree wellbeing outcomes and case studies to collect alongside referral counts, and review them together at PCN level each quarter.'
		}
	]
};

/**
 * Checklist steps (infrastructure/checklist.v1.json) that are the same step as one of the
 * construct actions above, worded for the specific gap. When a flag brings the specific step,
 * the general one is left out, so nobody is asked to do the same thing twice.
 */
export const SAME_STEP_AS: Readonly<Record<string, string>> = {
	'induction-plan': 'induction',
	'induction-buddy': 'induction',
	'induction-shadowing': 'induction',
	'role-briefing': 'team-briefing',
	'role-criteria': 'team-briefing',
	'info-website': 'patient-information',
	'info-leaflet': 'patient-information',
	'info-reception': 'patient-information',
	'meetings-invite': 'team-meetings',
	'meetings-slot': 'team-meetings',
	'champion-nominate': 'champion',
	'line-manager': 'one-line-manager',
	'host-agreement': 'one-line-manager',
	'room-sessions': 'room-and-access',
	'room-community': 'room-and-access',
	'record-account': 'room-and-access',
	'record-smartcard': 'room-and-access',
	'vcse-hours': 'protected-vcse-time',
	'feedback-message': 'feedback-loop',
	'outcomes-wellbeing': 'meaningful-measures',
	'outcomes-cases': 'meaningful-measures',
	'supervision-named': 'supervision',
	'supervision-slot': 'supervision'
};

/** An unresolved infrastructure flag the viewer may see, reduced to what the suggestions need. */
export interface FlaggedGap {
	flagId: number;
	itemId: string;
	construct: Construct;
	/** The checklist statement, in the link worker's words ("There is no suitable private room…"). */
	gap: string;
	raisedBy: string;
	/** True for a flag only the PCN lead may see, so the page can say so. */
	pcnOnly: boolean;
	actions: readonly SuggestedAction[];
}

export interface GapToWorkOn {
	itemId: string;
	gap: string;
	/** Flag ids behind this gap: more than one when several link workers flagged the same item. */
	flagIds: number[];
	raisedBy: string[];
	pcnOnly: boolean;
	actions: SuggestedAction[];
}

export interface WorkOnEntry {
	construct: Construct;
	/** The construct score when it is below the minimum; null when only flags put it here. */
	score: number | null;
	gaps: GapToWorkOn[];
	/** The construct's general steps, for weak constructs, less any a flag already brings. */
	actions: SuggestedAction[];
}

/** Titles compared without case, punctuation or spacing, to catch the same step worded twice. */
function titleKey(title: string): string {
	return title.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

/**
 * One "what to work on" list from the weak constructs (`suggestActions`) and the open flags,
 * strongest evidence first: constructs that are both weak and flagged (weakest first), then
 * flagged constructs the scores do not single out (most flags first), then weak constructs with
 * no flag (weakest first). Flags for the same checklist item are one gap. No action appears
 * twice: not by id, not by title, and a general construct step is dropped when a flag brings
 * the specific form of it (`SAME_STEP_AS`). Ties keep NPT order, and flags keep the given order.
 */
export function combineWorkOn(weak: readonly ConstructToWorkOn[], flags: readonly FlaggedGap[]): WorkOnEntry[] {
	const gapsOf = new Map<Construct, GapToWorkOn[]>();
	for (const flag of flags) {
		const gaps = gapsOf.get(flag.construct) ?? [];
		gapsOf.set(flag.construct, gaps);
		const same = gaps.find((g) => g.itemId === flag.itemId);
		if (same) {
			same.flagIds.push(flag.flagId);
			if (!same.raisedBy.includes(flag.raisedBy)) same.raisedBy.push(flag.raisedBy);
			// Shared with the practice as soon as any of the link workers shared it.
			same.pcnOnly &&= flag.pcnOnly;
			continue;
		}
		gaps.push({
			itemId: flag.itemId,
			gap: flag.gap,
			flagIds: [flag.flagId],
			raisedBy: [flag.raisedBy],
			pcnOnly: flag.pcnOnly,
			actions: [...flag.actions]
		});
	}
	const flagCount = (construct: Construct) => (gapsOf.get(construct) ?? []).reduce((n, g) => n + g.flagIds.length, 0);
	const scoreOf = new Map(weak.map((w) => [w.construct, w]));
	const npt = (a: Construct, b: Construct) => CONSTRUCTS.indexOf(a) - CONSTRUCTS.indexOf(b);
	const byScore = (a: Construct, b: Construct) => scoreOf.get(a)!.score - scoreOf.get(b)!.score || npt(a, b);

	const weakAndFlagged = weak.map((w) => w.construct).filter((c) => gapsOf.has(c)).sort(byScore);
	const flaggedOnly = [...gapsOf.keys()].filter((c) => !scoreOf.has(c)).sort((a, b) => flagCount(b) - flagCount(a) || npt(a, b));
	const weakOnly = weak.map((w) => w.construct).filter((c) => !gapsOf.has(c)).sort(byScore);

	const covered = new Set(flags.flatMap((f) => f.actions.map((a) => SAME_STEP_AS[a.id] ?? a.id)));
	const shownIds = new Set<string>();
	const shownTitles = new Set<string>();
	const firstShowing = (action: SuggestedAction) => {
		const key = titleKey(action.title);
		if (shownIds.has(action.id) || shownTitles.has(key)) return false;
		shownIds.add(action.id);
		shownTitles.add(key);
		return true;
	};

	return [...weakAndFlagged, ...flaggedOnly, ...weakOnly].map((construct) => {
		const gaps = (gapsOf.get(construct) ?? []).map((gap) => ({ ...gap, actions: gap.actions.filter(firstShowing) }));
		const general = scoreOf.get(construct);
		return {
			construct,
			score: general?.score ?? null,
			gaps,
			actions: (general?.actions ?? []).filter((a) => !covered.has(a.id) && firstShowing(a))
		};
	});
}
