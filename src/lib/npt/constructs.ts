/**
 * The four constructs of Normalisation Process Theory and their sixteen sub-constructs
 * (DOMAIN.md). Ids are stable: they appear in instrument files and the database.
 */
export const CONSTRUCTS = [
	'coherence',
	'cognitive_participation',
	'collective_action',
	'reflexive_monitoring'
] as const;

export type Construct = (typeof CONSTRUCTS)[number];

/** The scores a group has, in the order every table and chart lists them: overall, then each construct. */
export type ScoreKey = 'overall' | Construct;
export const SCORE_KEYS: readonly ScoreKey[] = ['overall', ...CONSTRUCTS];

export const SUB_CONSTRUCTS = {
	coherence: [
		'differentiation',
		'communal_specification',
		'individual_specification',
		'internalisation'
	],
	cognitive_participation: ['initiation', 'enrolment', 'legitimation', 'activation'],
	collective_action: [
		'interactional_workability',
		'relational_integration',
		'skill_set_workability',
		'contextual_integration'
	],
	reflexive_monitoring: [
		'systematisation',
		'communal_appraisal',
		'individual_appraisal',
		'reconfiguration'
	]
} as const satisfies Record<Construct, readonly string[]>;

export const ALL_SUB_CONSTRUCTS = [
	...SUB_CONSTRUCTS.coherence,
	...SUB_CONSTRUCTS.cognitive_participation,
	...SUB_CONSTRUCTS.collective_action,
	...SUB_CONSTRUCTS.reflexive_monitoring
] as const;

export type SubConstruct = (typeof ALL_SUB_CONSTRUCTS)[number];

export function constructOf(subConstruct: SubConstruct): Construct {
	const construct = CONSTRUCTS.find((c) =>
		(SUB_CONSTRUCTS[c] as readonly string[]).includes(subConstruct)
	);
	if (!construct) throw new Error(`Unknown sub-construct ${subConstruct}`);
	return construct;
}

/** Names and one-line plain explanations, for people who have never heard of NPT. */
export const CONSTRUCT_NAMES: Record<Construct, { name: string; plain: string }> = {
	coherence: {
		name: 'Coherence',
		plain: 'Understanding the role: do people know what the link worker does and why it matters?'
	},
	cognitive_participation: {
		name: 'Cognitive participation',
		plain: 'Getting behind the role: do people lead it, sign up to it and keep it going?'
	},
	collective_action: {
		name: 'Collective action',
		plain: 'Making it work day to day: does the role fit routines, with trust, resources and support?'
	},
	reflexive_monitoring: {
		name: 'Reflexive monitoring',
		plain: 'Learning how it is going: do people hear about its effects and adjust because of them?'
	}
};

/** A score as the results carry it: disclosed (`shown: false` when withheld), or plain (null when withheld). */
type ConstructScore = { shown?: boolean; mean?: number | null } | null | undefined;

/**
 * Each construct's mean where it may be shown, else null: what placement on the continuum, the
 * suggested actions, the common gaps and the perception gap weigh.
 */
export function constructMeans(scores: Partial<Record<Construct, ConstructScore>> | undefined): Record<Construct, number | null> {
	const means = {} as Record<Construct, number | null>;
	for (const construct of CONSTRUCTS) {
		const score = scores?.[construct];
		means[construct] = score && score.shown !== false && typeof score.mean === 'number' ? score.mean : null;
	}
	return means;
}
