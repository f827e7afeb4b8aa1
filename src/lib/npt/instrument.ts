/**
 * Instrument definitions are data (docs/scoring.md §1): validated here, never trusted.
 * Pure: callers read the file; this module only checks and types what they read.
 */
import { z } from 'zod';
import { AGREEMENT_LABELS, AGREEMENT_POINTS, NOT_RELEVANT_CODES, NOT_RELEVANT_LABELS, type NotRelevantCode } from './answers';
import { ALL_SUB_CONSTRUCTS, CONSTRUCTS, constructOf, type Construct } from './constructs';
import { lineText } from '../text';

const idPattern = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;
const plainText = (max: number) => lineText({ max, tooLong: `must be at most ${max} characters`, required: 'must not be empty' });

const itemSchema = z.strictObject({
	id: z.string().regex(idPattern, 'must be a short id: a letter, then letters, digits, - or _'),
	construct: z.enum(CONSTRUCTS),
	subConstruct: z.enum(ALL_SUB_CONSTRUCTS),
	text: plainText(300),
	reversed: z.boolean(),
	help: plainText(300).optional(),
	/** Link-worker items only: the staff item this one asks from the other side (the same id when left out). */
	pairs: z.string().regex(idPattern, 'must be the id of an item in the paired staff instrument').optional()
});

const generalItemSchema = z.strictObject({
	id: z.string().regex(idPattern, 'must be a short id: a letter, then letters, digits, - or _'),
	text: plainText(300),
	minLabel: plainText(60),
	maxLabel: plainText(60)
});

const roleGroupSchema = z.strictObject({
	id: z.string().regex(/^[a-z][a-z_]{0,31}$/, 'must be lower-case letters and _'),
	label: plainText(80),
	hint: plainText(200).optional()
});

const freeTextSchema = z.strictObject({
	id: z.string().regex(idPattern, 'must be a short id: a letter, then letters, digits, - or _'),
	prompt: plainText(300),
	hint: plainText(300).optional(),
	maxLength: z.int().min(1).max(5000)
});

const scoreOnScale = z.number().min(0).max(10);

/**
 * Where an instrument comes from and on what terms it may be used. The licence is required: an
 * organisation may load only an instrument it holds the rights to, and every result from it
 * carries the licence and the citation.
 */
const provenanceSchema = z.strictObject({
	authors: z.array(plainText(200)).min(1, 'name at least one author').max(40),
	citation: lineText({ max: 1000, tooLong: 'must be at most 1000 characters', required: 'give the citation people should use' }),
	doi: z
		.string('must be a DOI such as 10.1234/abcd')
		.regex(/^10\.\d{4,9}\/[!-~]{1,200}$/, 'must be a DOI such as 10.1234/abcd (without https://doi.org/)')
		.optional(),
	licence: lineText({
		max: 1000,
		tooLong: 'must be at most 1000 characters',
		required: 'a licence statement is required: say on what terms this instrument may be used'
	}),
	licenceUrl: z.url({ protocol: /^https?$/, error: 'must be a web address starting https:// or http://' }).max(500).optional(),
	derivedFrom: plainText(1000).optional()
});

/**
 * The answer codes a file uses. Agreement is always 1–5 with 5 = strongly agree (§2); the file
 * may word the points. Each of the three "not relevant" meanings has its own numeric code and
 * wording. Scoring reads codes and meanings, never a label.
 */
const answerScaleSchema = z
	.strictObject({
		agreement: z
			.array(z.strictObject({ code: z.int().min(1).max(5), label: plainText(80) }))
			.length(AGREEMENT_POINTS.length, 'must list the five points, 1 (strongly disagree) to 5 (strongly agree)'),
		notRelevant: z
			.array(z.strictObject({ code: z.int().min(6).max(99), meaning: z.enum(NOT_RELEVANT_CODES), label: plainText(120) }))
			.length(NOT_RELEVANT_CODES.length, 'must list the three "not relevant" answers: role, stage and practice')
	})
	.superRefine((scale, ctx) => {
		scale.agreement.forEach((point, i) => {
			if (point.code !== i + 1) ctx.addIssue({ code: 'custom', path: ['agreement', i, 'code'], message: `must be ${i + 1}: list the points in order, 1 to 5` });
		});
		const meanings = new Set<NotRelevantCode>();
		const codes = new Set<number>();
		scale.notRelevant.forEach((answer, i) => {
			if (meanings.has(answer.meaning)) ctx.addIssue({ code: 'custom', path: ['notRelevant', i, 'meaning'], message: `"${answer.meaning}" appears twice` });
			if (codes.has(answer.code)) ctx.addIssue({ code: 'custom', path: ['notRelevant', i, 'code'], message: `code ${answer.code} appears twice` });
			meanings.add(answer.meaning);
			codes.add(answer.code);
		});
	});

/** Belonging's own wording and codes: 1–5, then 7, 8 and 9 for the three "not relevant" answers. */
export const DEFAULT_ANSWER_SCALE = {
	agreement: AGREEMENT_POINTS.map((code) => ({ code, label: AGREEMENT_LABELS[code] })),
	notRelevant: NOT_RELEVANT_CODES.map((meaning, i) => ({ code: 7 + i, meaning, label: NOT_RELEVANT_LABELS[meaning] }))
};

export const instrumentSchema = z
	.strictObject({
		id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and -'),
		version: z.string().regex(/^\d+(\.\d+){0,2}$/, 'must look like 1, 1.0 or 1.0.0'),
		title: plainText(200),
		language: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'must be a language tag such as en-GB'),
		audience: z.enum(['staff', 'link_worker']),
		description: plainText(2000).optional(),
		provenance: provenanceSchema,
		/** Link-worker instruments: the staff instrument version whose items these pair with. */
		pairedWith: z
			.strictObject({
				id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and -'),
				version: z.string().regex(/^\d+(\.\d+){0,2}$/, 'must look like 1, 1.0 or 1.0.0')
			})
			.optional(),
		answerScale: answerScaleSchema.default(DEFAULT_ANSWER_SCALE),
		constructIntros: z.partialRecord(z.enum(CONSTRUCTS), plainText(200)).optional(),
		items: z.array(itemSchema).min(4).max(100),
		generalItems: z.array(generalItemSchema).max(10),
		roleGroups: z.array(roleGroupSchema).max(12),
		freeText: freeTextSchema.optional(),
		scoring: z.strictObject({
			minItemsFraction: z.number().gt(0).max(1),
			minConstructsForOverall: z.int().min(1).max(CONSTRUCTS.length),
			minRespondentsForAlpha: z.int().min(2),
			confidenceLevel: z.number().gt(0).lt(1)
		}),
		bands: z.strictObject({
			fittingIn: scoreOnScale,
			belonging: scoreOnScale,
			belongingConstructMinimum: scoreOnScale
		})
	})
	.superRefine((def, ctx) => {
		const seen = new Map<string, string>();
		const claim = (id: string, path: (string | number)[]) => {
			const where = path.join('.');
			const earlier = seen.get(id);
			if (earlier) ctx.addIssue({ code: 'custom', path, message: `id "${id}" is already used by ${earlier}` });
			else seen.set(id, where);
		};
		def.items.forEach((item, i) => {
			claim(item.id, ['items', i, 'id']);
			if (constructOf(item.subConstruct) !== item.construct) {
				ctx.addIssue({
					code: 'custom',
					path: ['items', i, 'subConstruct'],
					message: `"${item.subConstruct}" belongs to ${constructOf(item.subConstruct)}, not ${item.construct}`
				});
			}
		});
		def.generalItems.forEach((item, i) => claim(item.id, ['generalItems', i, 'id']));
		if (def.freeText) claim(def.freeText.id, ['freeText', 'id']);
		const roleIds = new Set<string>();
		def.roleGroups.forEach((group, i) => {
			if (roleIds.has(group.id)) {
				ctx.addIssue({ code: 'custom', path: ['roleGroups', i, 'id'], message: `role group "${group.id}" appears twice` });
			}
			roleIds.add(group.id);
		});
		for (const construct of CONSTRUCTS) {
			if (!def.items.some((item) => item.construct === construct)) {
				ctx.addIssue({ code: 'custom', path: ['items'], message: `no item measures ${construct}` });
			}
		}
		if (def.audience === 'staff') {
			if (def.pairedWith) ctx.addIssue({ code: 'custom', path: ['pairedWith'], message: 'only a link-worker instrument is paired with a staff one' });
			def.items.forEach((item, i) => {
				if (item.pairs) ctx.addIssue({ code: 'custom', path: ['items', i, 'pairs'], message: 'only link-worker items pair with staff items' });
			});
		} else {
			const paired = new Map<string, string>();
			def.items.forEach((item, i) => {
				const staffId = item.pairs ?? item.id;
				const earlier = paired.get(staffId);
				if (earlier) ctx.addIssue({ code: 'custom', path: ['items', i, 'pairs'], message: `staff item "${staffId}" is already paired with "${earlier}"` });
				else paired.set(staffId, item.id);
			});
		}
		if (def.bands.fittingIn >= def.bands.belonging) {
			ctx.addIssue({
				code: 'custom',
				path: ['bands', 'fittingIn'],
				message: 'must be below bands.belonging'
			});
		}
	});

export type Instrument = z.infer<typeof instrumentSchema>;
export type InstrumentItem = Instrument['items'][number];
export type GeneralItem = Instrument['generalItems'][number];
export type RoleGroup = Instrument['roleGroups'][number];
export type Audience = Instrument['audience'];
export type BandThresholds = Instrument['bands'];
export type Provenance = Instrument['provenance'];
export type AnswerScale = Instrument['answerScale'];

export class InstrumentError extends Error {
	constructor(
		readonly source: string,
		readonly problems: string[]
	) {
		super(`Instrument ${source} is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
		this.name = 'InstrumentError';
	}
}

function describePath(path: PropertyKey[]): string {
	return path.reduce<string>((text, key) => {
		if (typeof key === 'number') return `${text}[${key}]`;
		return text ? `${text}.${String(key)}` : String(key);
	}, '');
}

/** Validates an instrument definition; the error names every bad field (e.g. `items[3].construct`). */
export function parseInstrument(input: unknown, source = 'definition'): Instrument {
	const result = instrumentSchema.safeParse(input);
	if (!result.success) {
		throw new InstrumentError(
			source,
			result.error.issues.map((issue) => `${describePath(issue.path) || '(top level)'}: ${issue.message}`)
		);
	}
	return result.data;
}

export function parseInstrumentJson(text: string, source = 'definition'): Instrument {
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch (cause) {
		throw new InstrumentError(source, [`not valid JSON (${(cause as Error).message})`]);
	}
	return parseInstrument(json, source);
}

export function itemsIn(instrument: Instrument, construct: Construct): InstrumentItem[] {
	return instrument.items.filter((item) => item.construct === construct);
}

/** The fewest scored answers a respondent needs in a construct for it to count (§3). */
export function minimumItemsFor(instrument: Instrument, construct: Construct): number {
	const exact = itemsIn(instrument, construct).length * instrument.scoring.minItemsFraction;
	// Tolerance so that e.g. 5 × 0.6 (3.0000000000000004 in binary) needs 3 items, not 4.
	return Math.ceil(exact - 1e-9);
}

/** The staff item a link-worker item asks about from the other side (§6's perception gap). */
export function staffItemIdOf(item: InstrumentItem): string {
	return item.pairs ?? item.id;
}

/**
 * Problems with pairing a link-worker instrument to a staff one, by field: it must name that staff
 * version, and each item must pair with a staff item of the same construct.
 */
export function pairingProblems(staff: Instrument, linkWorker: Instrument): string[] {
	const problems: string[] = [];
	const wanted = linkWorker.pairedWith;
	if (!wanted || wanted.id !== staff.id || wanted.version !== staff.version) {
		problems.push(`pairedWith: must name the staff instrument ${staff.id} version ${staff.version}`);
	}
	const staffItems = new Map(staff.items.map((item) => [item.id, item]));
	linkWorker.items.forEach((item, i) => {
		const partner = staffItems.get(staffItemIdOf(item));
		if (!partner) problems.push(`items[${i}]: the staff instrument has no item "${staffItemIdOf(item)}" to pair with`);
		else if (partner.construct !== item.construct) {
			problems.push(`items[${i}]: pairs with "${partner.id}", which measures ${partner.construct}, not ${item.construct}`);
		}
	});
	return problems;
}
