import { error } from '@sveltejs/kit';
import { ukDate } from '$lib/dates';
import { guard, guardRound } from '$lib/server/access';
import { downloadRoute, recordDownload } from '$lib/server/api/downloads';
import { tableDownload } from '$lib/server/platform/xlsx';
import { buildRoundExport, exportKindOf, exportReaders } from '$lib/server/results/round-exports';
import { downloadNameOf } from '$lib/tables';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = downloadRoute(async (event) => {
	const { params, locals } = event;
	guard(event);
	const kind = exportKindOf(params.kind);
	const format = downloadNameOf(params.kind)?.format;
	if (!kind || !format) error(404, 'There is no such download.');
	// The role is checked before the round is looked up, so a refusal says nothing about which
	// rounds exist; out of scope reads exactly like "not there", before anything is computed.
	const { user, roundId, practiceId } = await guardRound(event, exportReaders(kind));

	const built = await buildRoundExport(locals.db, roundId, kind, locals.config, ukDate(), undefined, format);
	if (!built.ok) error(built.status, built.problems[0]!.message);
	await recordDownload(event, user, { action: 'export_downloaded', summary: built.export.summary, practiceId });
	return tableDownload(built.export, format);
});
