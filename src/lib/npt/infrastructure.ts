/**
 * The infrastructure-gap checklist a link worker fills in for each practice (DOMAIN.md,
 * "Infrastructure a link worker needs"). Like instruments, it is data: versioned, validated
 * here at import, and answers are stored against the version they were given for, so a later
 * rewording never changes what an earlier answer meant.
 */
import { z } from 'zod';
import { CONSTRUCTS } from './constructs';
import checklistV1 from './infrastructure/checklist.v1.json';
import { lineText } from '../text';

export const ASPECTS = ['interpersonal', 'structural', 'procedural', 'management'] as const;
export type Aspect = (typeof ASPECTS)[number];

export const ASPECT_LABELS: Record<Aspect, string> = {
	interpersonal: 'Working relationships',
	structural: 'Space, systems and services',
	procedural: 'Procedures',
	management: 'Management and support'
};

/** What the link worker says about each item. Partly and missing raise a flag. */
export const CHECKLIST_STATUSES = ['in_place', 'partly', 'missing'] as const;
export type ChecklistStatus = (typeof CHECKLIST_STATUSES)[number];

export const CHECKLIST_STATUS_LABELS: Record<ChecklistStatus, string> = {
	in_place: 'In place',
	partly: 'Partly',
	missing: 'Missing'
};

export function isGapStatus(status: ChecklistStatus): boolean {
	return status !== 'in_place';
}

export const CHECKLIST_NOTE_MAX = 500;

const idPattern = /^[a-z][a-z0-9-]{0,39}$/;
const plainText = (max: number) => lineText({ max, tooLong: `must be at most ${max} characters`, required: 'must not be empty' });

const actionSchema = z.strictObject({
	id: z.string().regex(idPattern, 'must be lower-case letters, digits and -'),
	title: plainText(100),
	detail: plainText(400)
});

const itemSchema = z.strictObject({
	id: z.string().regex(idPattern, 'must be lower-case letters, digits and -'),
	gap: plainText(200),
	aspect: z.enum(ASPECTS),
	construct: z.enum(CONSTRUCTS),
	actions: z.array(actionSchema).min(1).max(3)
});

export const checklistSchema = z
	.strictObject({
		id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and -'),
		version: z.string().regex(/^\d+(\.\d+){0,2}$/, 'must look like 1, 1.0 or 1.0.0'),
		title: plainText(200),
		items: z.array(itemSchema).min(1).max(60)
	})
	.superRefine((def, ctx) => {
		const items = new Set<string>();
		const actions = new Set<string>();
		def.items.forEach((item, i) => {
			if (items.has(item.id)) ctx.addIssue({ code: 'custom', path: ['items', i, 'id'], message: `item id "${item.id}" is used twice` });
			items.add(item.id);
			item.actions.forEach((action, j) => {
				if (actions.has(action.id)) {
					ctx.addIssue({ code: 'custom', path: ['items', i, 'actions', j, 'id'], message: `action id "${action.id}" is used twice` });
				}
				actions.add(action.id);
			});
		});
	});

export type Checklist = z.infer<typeof checklistSchema>;
export type ChecklistItem = Checklist['items'][number];
export type SuggestedAction = ChecklistItem['actions'][number];

/** Validates a checklist definition; the message names the file and the first problem. */
export function parseChecklist(raw: unknown, source: string): Checklist {
	const result = checklistSchema.safeParse(raw);
	if (!result.success) {
		const issue = result.error.issues[0]!;
		throw new Error(`${source}: ${issue.path.join('.') || '(top level)'} ${issue.message}`);
	}
	return result.data;
}

export const CHECKLISTS: readonly Checklist[] = [parseChecklist(checklistV1, 'infrastructure/checklist.v1.json')];

/** The version new answers are given against. */
export const CURRENT_CHECKLIST = CHECKLISTS[CHECKLISTS.length - 1]!;

export function checklistVersion(version: string): Checklist | undefined {
	return CHECKLISTS.find((c) => c.version === version);
}

export function checklistItem(checklist: Checklist, itemId: string): ChecklistItem | undefined {
	return checklist.items.find((item) => item.id === itemId);
}
