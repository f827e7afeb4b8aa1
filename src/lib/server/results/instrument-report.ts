/**
 * The instrument report (issue 29): how well one instrument version measures, over the closed
 * rounds of it in a scope the viewer may see — a PCN (its lead, the ICB leads over it,
 * administrators), an ICB (its leads, administrators) or the whole service (administrators).
 *
 * Which rounds are pooled: every closed round of the version at a practice now in the scope,
 * whenever it closed, each respondent counted once per round (answers are anonymous, so a person
 * answering two rounds cannot be told apart from two people). Disclosure applies per figure as
 * instrument-pools.ts says; a pooled share is shown only when at least MIN_RESPONSES people are
 * behind it, and α only from the instrument's minRespondentsForAlpha complete respondents (and
 * never from fewer than MIN_RESPONSES). Read from the rounds' stored summaries only.
 */
import { CONSTRUCTS, CONSTRUCT_NAMES, type Construct } from '../../npt/constructs';
import type { DisclosureRules } from '../../npt/disclosure';
import {
	constructReliability,
	itemRates,
	NOMAD_CONTEXT,
	READING_THRESHOLDS,
	readConstruct,
	readItem,
	type AlphaWithheld,
	type ConstructReliability
} from '../../npt/reliability';
import type { InstrumentReport, ReportConstruct, ReportItem, ReportScope, ReportScopeChoice } from '../../views/instrument-report';
import type { DbOrTx } from '../db';
import type { Role, SignedInUser } from '../identity';
import { recordAudit } from '../platform/audit';
import type { Config } from '../platform/config';
import { parseId } from '../platform/ids';
import { storedInstrumentsOf } from '../surveys/instruments';
import { poolScope, practicePools, type Pool } from './instrument-pools';

/** Who reads instrument reports: practice managers and link workers see their own practices' results, never an instrument's across practices. */
export const REPORT_READERS: readonly Role[] = ['admin', 'icb_lead', 'pcn_lead'];

/** `service`, `icb:<id>` or `pcn:<id>`; anything else names no scope. */
export function parseReportScope(text: string | null | undefined): ReportScope | undefined {
	if (text === 'service') return { kind: 'service' };
	const match = /^(icb|pcn):(.+)$/.exec(text ?? '');
	const id = match ? parseId(match[2]) : undefined;
	if (!match || id === undefined) return undefined;
	return { kind: match[1] as 'icb' | 'pcn', id };
}

export const scopeKey = (scope: ReportScope) => (scope.kind === 'service' ? 'service' : `${scope.kind}:${scope.id}`);

/** The scope a viewer sees when they ask for none: the service for an administrator, else their first ICB or PCN. */
export function defaultReportScope(viewer: SignedInUser): ReportScope | undefined {
	if (viewer.role === 'admin') return { kind: 'service' };
	if (viewer.role === 'icb_lead' && viewer.icbIds.length > 0) return { kind: 'icb', id: Math.min(...viewer.icbIds) };
	if (viewer.role === 'pcn_lead' && viewer.pcnIds.length > 0) return { kind: 'pcn', id: Math.min(...viewer.pcnIds) };
	return undefined;
}

/** Whether a viewer may see a scope's report (whether it exists is asked separately). */
export function mayReadScope(viewer: SignedInUser, scope: ReportScope): boolean {
	if (viewer.role === 'admin') return true;
	if (scope.kind === 'service') return false;
	if (scope.kind === 'icb') return viewer.role === 'icb_lead' && viewer.icbIds.includes(scope.id);
	// An ICB lead's pcnIds are the PCNs now in their ICBs.
	return (viewer.role === 'pcn_lead' || viewer.role === 'icb_lead') && viewer.pcnIds.includes(scope.id);
}

/**
 * The scopes a viewer may choose between: an administrator the service and every ICB (any PCN
 * by its address), an ICB lead their ICBs and the PCNs in them, a PCN lead their PCNs.
 */
export async function listReportScopes(db: DbOrTx, viewer: SignedInUser): Promise<ReportScopeChoice[]> {
	const choices: ReportScopeChoice[] = [];
	if (viewer.role === 'admin') choices.push({ key: 'service', label: 'Every practice using Belonging' });
	const icbIds = viewer.role === 'admin' ? null : viewer.icbIds;
	if (icbIds === null || icbIds.length > 0) {
		const icbs = await db
			.selectFrom('icb')
			.select(['id', 'name', 'ods_code'])
			.$if(icbIds !== null, (q) => q.where('id', 'in', icbIds!))
			.orderBy('name')
			.execute();
		for (const icb of icbs) choices.push({ key: `icb:${icb.id}`, label: `ICB: ${icb.name} (${icb.ods_code})` });
	}
	if (viewer.role !== 'admin' && viewer.pcnIds.length > 0) {
		const pcns = await db.selectFrom('pcn').select(['id', 'name', 'ods_code']).where('id', 'in', viewer.pcnIds).orderBy('name').execute();
		for (const pcn of pcns) choices.push({ key: `pcn:${pcn.id}`, label: `PCN: ${pcn.name} (${pcn.ods_code})` });
	}
	return choices;
}

/** The scope's name and its practices now; undefined when there is no such ICB or PCN. */
async function resolveScope(db: DbOrTx, scope: ReportScope) {
	if (scope.kind === 'service') return { name: 'Every practice using Belonging', odsCode: null, practices: 'all' as const };
	if (scope.kind === 'icb') {
		const [icb, practices] = await Promise.all([
			db.selectFrom('icb').select(['name', 'ods_code']).where('id', '=', scope.id).executeTakeFirst(),
			db.selectFrom('practice').innerJoin('pcn', 'pcn.id', 'practice.pcn_id').select('practice.id').where('pcn.icb_id', '=', scope.id).execute()
		]);
		return icb ? { name: icb.name, odsCode: icb.ods_code, practices: practices.map((p) => p.id) } : undefined;
	}
	const [pcn, practices] = await Promise.all([
		db.selectFrom('pcn').select(['name', 'ods_code']).where('id', '=', scope.id).executeTakeFirst(),
		db.selectFrom('practice').select('id').where('pcn_id', '=', scope.id).execute()
	]);
	return pcn ? { name: pcn.name, odsCode: pcn.ods_code, practices: practices.map((p) => p.id) } : undefined;
}

const WITHHELD_WORDS: Record<AlphaWithheld, string> = {
	too_few: 'Not enough people scored every statement',
	no_variation: 'No variation in the answers',
	one_statement: 'A single statement'
};

/**
 * The report of one instrument version over a scope. Undefined when there is no such version or
 * scope; the caller has checked that the viewer may read the scope.
 */
export async function getInstrumentReport(
	db: DbOrTx,
	versionId: number,
	scope: ReportScope,
	config: Pick<Config, 'minResponses'>,
	today: string
): Promise<InstrumentReport | undefined> {
	const exists = await db.selectFrom('instrument_version').select('id').where('id', '=', versionId).executeTakeFirst();
	if (!exists) return undefined;
	const [stored, place] = await Promise.all([storedInstrumentsOf(db, [versionId]).then((all) => all.get(versionId)!), resolveScope(db, scope)]);
	if (!place) return undefined;
	const { instrument } = stored;
	const rules: DisclosureRules = { minResponses: config.minResponses };

	const pools = await practicePools(db, versionId, instrument, rules, place.practices, today);
	const total: Pool = poolScope(instrument, pools.values());
	const practicesIn = total.practices;

	const reliability = {} as Record<Construct, ConstructReliability>;
	const constructs: ReportConstruct[] = CONSTRUCTS.map((construct) => {
		const pooled = total.constructs[construct];
		const figures = (reliability[construct] = constructReliability(instrument, construct, pooled.sums, rules));
		return {
			construct,
			name: CONSTRUCT_NAMES[construct].name,
			itemIds: figures.itemIds,
			rounds: pooled.rounds,
			practices: practicesIn.constructs[construct],
			complete: figures.complete,
			minimum: figures.minimum,
			alpha: figures.alpha,
			interval: figures.interval,
			withheld: figures.withheld ? WITHHELD_WORDS[figures.withheld] : null,
			interItem: figures.interItem,
			readings: readConstruct(figures)
		};
	});
	const items: ReportItem[] = instrument.items.map((item) => {
		const pooled = total.statements[item.id]!;
		const construct = reliability[item.construct];
		const consistency = construct.items.find((i) => i.itemId === item.id);
		const rates = itemRates(item, pooled.counts, pooled.asked, rules);
		return {
			itemId: item.id,
			text: item.text,
			construct: item.construct,
			reversed: item.reversed,
			rounds: pooled.rounds,
			practices: practicesIn.statements[item.id]!,
			itemRest: consistency?.itemRest ?? null,
			alphaIfDropped: consistency?.alphaIfDropped ?? null,
			rates,
			readings: readItem(consistency, construct.alpha, rates)
		};
	});

	const { provenance } = instrument;
	return {
		instrument: {
			versionId,
			id: instrument.id,
			title: instrument.title,
			version: instrument.version,
			source: stored.source,
			authors: provenance.authors,
			licence: provenance.licence,
			licenceUrl: provenance.licenceUrl ?? null,
			citation: provenance.citation,
			doi: provenance.doi ?? null
		},
		scope: { key: scopeKey(scope), kind: scope.kind, id: scope.kind === 'service' ? null : scope.id, name: place.name, odsCode: place.odsCode },
		minResponses: rules.minResponses,
		minRespondentsForAlpha: instrument.scoring.minRespondentsForAlpha,
		confidenceLevel: instrument.scoring.confidenceLevel,
		rounds: { closed: total.closedRounds, shown: total.shownRounds, practices: practicesIn.shown, respondents: total.respondents },
		constructs,
		items,
		thresholds: { ...READING_THRESHOLDS },
		nomad: { ...NOMAD_CONTEXT }
	};
}

/**
 * The instrument report page: the report over the scope, the scopes this viewer may choose
 * between, and the read audited once, here. Undefined (and nothing audited) when there is no such
 * version or scope; the caller has checked that the viewer may read the scope.
 */
export async function viewInstrumentReport(
	db: DbOrTx,
	viewer: SignedInUser,
	versionId: number,
	scope: ReportScope,
	config: Pick<Config, 'minResponses'>,
	today: string
): Promise<{ report: InstrumentReport; scopes: ReportScopeChoice[] } | undefined> {
	const report = await getInstrumentReport(db, versionId, scope, config, today);
	if (!report) return undefined;
	const [scopes] = await Promise.all([
		listReportScopes(db, viewer),
		recordAudit(db, viewer, {
			action: 'results_viewed',
			summary: `Viewed the instrument report of ${report.instrument.title} version ${report.instrument.version} for ${report.scope.name}`,
			pcnId: report.scope.kind === 'pcn' ? report.scope.id : null
		})
	]);
	return { report, scopes };
}
