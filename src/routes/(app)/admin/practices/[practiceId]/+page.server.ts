import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { formatDate, ukDate } from '$lib/dates';
import { guard } from '$lib/server/access';
import { recordAudit } from '$lib/server/platform/audit';
import { formFailure, readForm } from '$lib/server/platform/forms';
import { describeChanges, updatePractice } from '$lib/server/organisations/organisation-changes';
import { effectiveDateSchema, listPracticeMoves, recordPracticeMove } from '$lib/server/organisations/practice-moves';
import { getPcn, getPractice, listPcns } from '$lib/server/organisations/organisations';
import {
	idFromParam,
	idTextSchema,
	organisationNameSchema,
	organisationProblem,
	practiceOdsCodeSchema
} from '$lib/server/organisations/organisation-forms';
import type { Actions, PageServerLoad } from './$types';

async function practiceOf(event: { locals: App.Locals; params: { practiceId: string } }) {
	const id = idFromParam(event.params.practiceId);
	const practice = id === undefined ? undefined : await getPractice(event.locals.db, id);
	if (!practice) error(404, 'We could not find that practice.');
	return practice;
}

const pcnLabel = (pcn: { name: string; ods_code: string } | null) => (pcn ? `${pcn.name} (${pcn.ods_code})` : 'no PCN');

/** Where the practice could move: not where it is now, unless a planned move is to be overtaken. */
function moveOptions(currentPcnId: number | null, moveWaiting: boolean, pcns: Awaited<ReturnType<typeof listPcns>>) {
	const options = pcns.map((pcn) => ({ value: String(pcn.id), label: `${pcn.name} (${pcn.ods_code}), ${pcn.icb.name}` }));
	options.push({ value: 'none', label: 'Not in a PCN' });
	return moveWaiting ? options : options.filter((o) => o.value !== (currentPcnId === null ? 'none' : String(currentPcnId)));
}

export const load = (async (event) => {
	guard(event, { roles: ['admin'] });
	const practice = await practiceOf(event);
	const { db } = event.locals;
	const today = ukDate();
	const [pcns, moves] = await Promise.all([listPcns(db), listPracticeMoves(db, practice.id)]);
	return {
		practice,
		today,
		moveOptions: moveOptions(practice.pcn_id, moves.some((m) => !m.applied), pcns),
		moves: moves.map((move) => ({
			...move,
			recordedOn: formatDate(ukDate(new Date(move.recordedAt)))
		})),
		saved: event.url.searchParams.has('saved'),
		moved: event.url.searchParams.get('moved')
	};
}) satisfies PageServerLoad;

const detailsSchema = z.object({ odsCode: practiceOdsCodeSchema, name: organisationNameSchema });
const CHOOSE_PCN = 'Choose the PCN the practice moves to, or ‘Not in a PCN’';
const moveSchema = z.object({
	pcnId: z.union([z.literal('none').transform(() => null), idTextSchema(CHOOSE_PCN)], { error: CHOOSE_PCN }),
	effectiveOn: effectiveDateSchema
});

export const actions = {
	save: async (event) => {
		const user = guard(event, { roles: ['admin'] });
		const practice = await practiceOf(event);
		const form = await readForm(event.request, detailsSchema);
		if (!form.ok) return form.failure;
		try {
			await event.locals.db.transaction().execute(async (tx) => {
				const updated = await updatePractice(tx, practice.id, form.data);
				const changes = describeChanges([
					['ODS code', practice.ods_code, updated.ods_code],
					['name', practice.name, updated.name]
				]);
				if (!changes) return;
				await recordAudit(tx, user, {
					action: 'organisation_changed',
					summary: `Changed practice ${practice.ods_code}: ${changes}`,
					practiceId: practice.id,
					pcnId: practice.pcn_id
				});
			});
		} catch (cause) {
			const problem = organisationProblem(cause);
			if (!problem) throw cause;
			return formFailure(400, [problem], form.values);
		}
		redirect(303, `/admin/practices/${practice.id}?saved`);
	},

	move: async (event) => {
		const user = guard(event, { roles: ['admin'] });
		const practice = await practiceOf(event);
		const form = await readForm(event.request, moveSchema);
		if (!form.ok) return form.failure;
		const { pcnId, effectiveOn } = form.data;
		let appliedNow: boolean;
		try {
			appliedNow = await event.locals.db.transaction().execute(async (tx) => {
				const target = pcnId === null ? null : ((await getPcn(tx, pcnId)) ?? null);
				const recorded = await recordPracticeMove(tx, { practiceId: practice.id, pcnId, effectiveOn }, ukDate(), user.id);
				const from = pcnLabel(practice.pcn);
				await recordAudit(tx, user, {
					action: 'practice_moved',
					summary: recorded.appliedNow
						? `Moved practice ${practice.name} (${practice.ods_code}) from ${from} to ${pcnLabel(target)}, effective ${effectiveOn}`
						: `Recorded that practice ${practice.name} (${practice.ods_code}) moves to ${pcnLabel(target)} on ${effectiveOn}`,
					practiceId: practice.id,
					pcnId
				});
				return recorded.appliedNow;
			});
		} catch (cause) {
			const problem = organisationProblem(cause);
			if (!problem) throw cause;
			return formFailure(400, [problem], form.values);
		}
		redirect(303, `/admin/practices/${practice.id}?moved=${appliedNow ? 'now' : 'later'}`);
	}
} satisfies Actions;
