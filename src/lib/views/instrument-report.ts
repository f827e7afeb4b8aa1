/**
 * What the instrument report receives (issue 29): plain data for the page, the CSV and the API,
 * shaped by lib/server/results/instrument-report.ts.
 */
import type { Construct } from '../npt/constructs';
import type { Interval, ItemRates } from '../npt/reliability';

/** The scope a report is asked for, as in the address: `service`, `icb:<id>` or `pcn:<id>`. */
export type ReportScope = { kind: 'service' } | { kind: 'icb'; id: number } | { kind: 'pcn'; id: number };

export interface ReportScopeChoice {
	/** As in the address: service, icb:3, pcn:12. */
	key: string;
	label: string;
}

/** How many rounds, practices and people are behind a figure. */
export interface Behind {
	rounds: number;
	practices: number;
}

export interface ReportConstruct extends Behind {
	construct: Construct;
	name: string;
	/** Statements of the construct, by id. */
	itemIds: string[];
	/** People who scored every statement of the construct, in the rounds pooled. */
	complete: number;
	/** The fewest such people α is shown from. */
	minimum: number;
	alpha: number | null;
	interval: Interval | null;
	/** Why α is not shown, in words; null when it is. */
	withheld: string | null;
	interItem: { min: number; max: number } | null;
	readings: string[];
}

export interface ReportItem extends Behind {
	itemId: string;
	text: string;
	construct: Construct;
	reversed: boolean;
	/** From the construct's pool (its rounds and people). */
	itemRest: number | null;
	alphaIfDropped: number | null;
	rates: ItemRates;
	readings: string[];
}

export interface InstrumentReport {
	instrument: {
		versionId: number;
		id: string;
		title: string;
		version: string;
		source: 'built_in' | 'imported';
		authors: string[];
		licence: string;
		licenceUrl: string | null;
		citation: string;
		doi: string | null;
	};
	scope: { key: string; kind: ReportScope['kind']; id: number | null; name: string; odsCode: string | null };
	minResponses: number;
	minRespondentsForAlpha: number;
	confidenceLevel: number;
	/** Closed rounds of the version in the scope; those shown (at least MIN_RESPONSES respondents); their practices and respondents. */
	rounds: { closed: number; shown: number; practices: number; respondents: number };
	constructs: ReportConstruct[];
	items: ReportItem[];
	/** The thresholds the readings use (never pass marks). */
	thresholds: Record<string, number>;
	nomad: { low: number; high: number; text: string };
}
