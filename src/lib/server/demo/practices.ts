/**
 * The five demo practices: their rounds, how their scores move, and what their staff wrote.
 */
import type { Construct } from '../../npt/constructs';


export interface DemoRound {
	/** Overall level on the 0–10 scale the answers are drawn around. */
	level: number;
	respondents: number;
}

export interface DemoPractice {
	odsCode: string;
	name: string;
	headcount: number;
	/** How far each construct sits from the overall level. */
	offsets: Partial<Record<Construct, number>>;
	rounds: DemoRound[];
}

export const DEMO_PRACTICES: readonly DemoPractice[] = [
	{
		// Rising from Bolted on towards Belonging; reflexive monitoring lags, then catches up.
		odsCode: 'X99001',
		name: 'Riverside Surgery',
		headcount: 28,
		offsets: { coherence: 0.4, cognitive_participation: 0.3, reflexive_monitoring: -0.6 },
		rounds: [
			{ level: 3.4, respondents: 14 },
			{ level: 5.1, respondents: 18 },
			{ level: 6.6, respondents: 22 },
			{ level: 8.1, respondents: 24 }
		]
	},
	{
		// Stuck at Fitting in: staff like the idea, but nobody hears how patients got on.
		odsCode: 'X99002',
		name: 'Hillview Medical Centre',
		headcount: 30,
		offsets: { cognitive_participation: 0.8, collective_action: 0.3, reflexive_monitoring: -1.9 },
		rounds: [
			{ level: 6.1, respondents: 20 },
			{ level: 6.3, respondents: 17 },
			{ level: 6.0, respondents: 21 },
			{ level: 6.2, respondents: 19 }
		]
	},
	{
		// One round with too few responses to show anything.
		odsCode: 'X99003',
		name: 'Canal Street Practice',
		headcount: 22,
		offsets: { coherence: -0.6, collective_action: 0.4 },
		rounds: [
			{ level: 5.4, respondents: 16 },
			{ level: 5.9, respondents: 3 },
			{ level: 6.4, respondents: 15 }
		]
	},
	{
		// High overall, but reflexive monitoring hovers around the Belonging minimum.
		odsCode: 'X99004',
		name: 'Oakfield Health Centre',
		headcount: 40,
		offsets: { coherence: 0.5, cognitive_participation: 0.4, reflexive_monitoring: -1.5 },
		rounds: [
			{ level: 7.3, respondents: 26 },
			{ level: 7.9, respondents: 29 },
			{ level: 8.3, respondents: 30 }
		]
	},
	{
		// Slipping back after the link worker's hours were cut; few staff, so wide intervals.
		odsCode: 'X99005',
		name: 'Millbrook Family Practice',
		headcount: 15,
		offsets: { collective_action: -0.7 },
		rounds: [
			{ level: 6.5, respondents: 12 },
			{ level: 5.3, respondents: 11 },
			{ level: 4.5, respondents: 10 }
		]
	}
];

export const COMMENTS: Record<'low' | 'mid' | 'high', readonly string[]> = {
	low: [
		'I am still not clear what the link worker can take on and what they cannot.',
		'It would help to see the link worker at our practice meeting now and then.',
		'Finding a free room for them is a battle every week.',
		'Once we refer someone we never hear what happened.',
		'Most of us have not actually met the link worker.'
	],
	mid: [
		'A one-page guide on who to refer would save everyone time.',
		'Feedback on referrals has improved but it is still patchy.',
		'Reception would like a short script for explaining the service to patients.',
		'The link worker needs protected time to get to know local groups.',
		'Good service, but the waiting list puts some GPs off referring.'
	],
	high: [
		'The link worker feels like part of the team now; patients ask for them by name.',
		'The monthly case discussion with the link worker is really useful.',
		'Keep the short feedback notes coming, they show us what works.',
		'We should share how we work with the other practices in the PCN.',
		'Having them at the MDT has changed how we think about some patients.'
	]
};

/** A neighbouring PCN: its practices, and the level their scores start around (6.1 unless said). */
export interface NeighbourPcn {
	odsCode: string;
	name: string;
	practices: readonly string[];
	level?: number;
}

/**
 * The other PCNs of the demo ICB, so that the ICB has practices enough for benchmarks (docs/scoring.md
 * §8) and an ICB lead has PCNs to compare; Eastbrook's practices start low, so the ICB's glance has
 * a PCN to name.
 */
export const NEIGHBOUR_PCNS: readonly NeighbourPcn[] = [
	{ odsCode: 'U99002', name: 'Ashworth PCN (demo)', practices: ['Ashworth Surgery', 'Bell Lane Practice', 'Market Cross Health Centre', 'Orchard Medical Practice', 'Station Road Surgery'] },
	{ odsCode: 'U99003', name: 'Westfield and Moor PCN (demo)', practices: ['Westfield Medical Centre', 'Moorside Surgery', 'Quarry Hill Practice', 'The Willows Health Centre', 'Fernbank Surgery'] },
	{ odsCode: 'U99004', name: 'Eastbrook PCN (demo)', practices: ['Eastbrook Family Practice', 'Kingsway Surgery', 'Abbey View Medical Centre', 'Larch Road Practice'], level: 4.2 },
	{ odsCode: 'U99005', name: 'Harbour and Dunes PCN (demo)', practices: ['Harbour Surgery', 'Dunes Medical Practice', 'Lighthouse Health Centre', 'Saltings Practice', 'Marsh Lane Surgery', 'Pier Street Practice'] }
];

/**
 * A second ICB using the service, so that PCNs have a group of every PCN to be set beside (at
 * least MIN_BENCHMARK_PRACTICES of them) and practices a service beyond their own ICB.
 */
export const COAST_ICB = {
	odsCode: 'QZY',
	name: 'NHS Coast and Vale Integrated Care Board (demo)',
	pcns: [
		{ odsCode: 'U98001', name: 'Cliffside PCN (demo)', practices: ['Cliffside Surgery', 'Gull Rock Practice', 'Beacon Hill Medical Centre'] },
		{ odsCode: 'U98002', name: 'Vale Villages PCN (demo)', practices: ['Vale House Surgery', 'Church Lane Practice', 'Millpond Health Centre'] },
		{ odsCode: 'U98003', name: 'Estuary PCN (demo)', practices: ['Estuary Medical Practice', 'Ferry Road Surgery', 'Mudflats Health Centre'] },
		{ odsCode: 'U98004', name: 'Downs and Weald PCN (demo)', practices: ['Downs Surgery', 'Weald Practice', 'Chalk Pit Medical Centre'] },
		{ odsCode: 'U98005', name: 'Old Town PCN (demo)', practices: ['Old Town Surgery', 'Castle Street Practice', 'Guildhall Medical Centre'] },
		{ odsCode: 'U98006', name: 'Priorsford PCN (demo)', practices: ['Priorsford Surgery', 'Tannery Lane Practice', 'Priory Health Centre'] }
	] satisfies readonly NeighbourPcn[]
};
