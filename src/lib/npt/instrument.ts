/**
 * Instrument definitions are data (SCORING.md §1): validated here, never trusted.
 * Pure: callers read the file; this module only checks and types what they read.
 */
import { z } from 'zod';
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
	help: plainText(300).optional()
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

export const instrumentSchema = z
	.strictObject({
		id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and -'),
		version: z.string().regex(/^\d+(\.\d+){0,2}$/, 'must look like 1, 1.0 or 1.0.0'),
		title: plainText(200),
		language: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'must be a language tag such as en-GB'),
		audience: z.enum(['staff', 'link_worker']),
		description: plainText(2000).optional(),
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
