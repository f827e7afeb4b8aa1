/**
 * The one guard every protected load function, action and endpoint calls. Scope is enforced
 * here, on the server, never by hiding links: a visitor who is not signed in is sent to sign
 * in and back; a signed-in user asking for data outside their scope gets 404, so they cannot
 * even learn that it exists; a page their role never uses gets 403.
 *
 * The person is `locals.user`: the session's, or, on a download route fetched with a personal API
 * token (api/downloads.ts), the token owner's, so the same checks apply to both.
 */
import { error, redirect } from '@sveltejs/kit';
import { idFromParam } from './platform/ids';
import { getPractice } from './organisations/organisations';
import { getRound, practiceOfRound, type RoundWithPractice } from './surveys/rounds';
import type { Role, SignedInUser } from './identity';

interface GuardEvent {
	locals: App.Locals;
	url: URL;
}

export interface Requirement {
	/** Roles allowed on this page; any signed-in role when left out. */
	roles?: readonly Role[];
	/** The practice whose data is asked for. */
	practiceId?: number;
	/** The PCN whose data is asked for (PCN leads only, unless also allowed by `roles`). */
	pcnId?: number;
	/** The ICB whose data is asked for (ICB leads only). */
	icbId?: number;
}

/**
 * Only same-site paths are followed after sign-in, so the link cannot send anyone elsewhere.
 * A path is printable ASCII only (as url.pathname and url.search always are): browsers drop
 * tab, CR and LF from a Location and read a backslash as a slash, so `/\t/evil.example` or
 * `/\\evil.example` would leave the site, and a control character cannot go in a header at all.
 */
const SAME_SITE_PATH = /^\/(?![/\\])[\x21-\x5b\x5d-\x7e]*$/;

export function safeNextPath(next: string | null | undefined): string {
	return next && SAME_SITE_PATH.test(next) ? next : '/';
}

export function signInPath(url: URL): string {
	const next = url.pathname + url.search;
	return next === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`;
}

export function canSeePractice(user: SignedInUser, practiceId: number): boolean {
	return user.practiceIds.includes(practiceId);
}

export function canSeePcn(user: SignedInUser, pcnId: number): boolean {
	return user.pcnIds.includes(pcnId);
}

export function canSeeIcb(user: SignedInUser, icbId: number): boolean {
	return user.icbIds.includes(icbId);
}

export function guard(event: GuardEvent, requirement: Requirement = {}): SignedInUser {
	const user = event.locals.user;
	if (!user) redirect(303, signInPath(event.url));
	if (requirement.roles && !requirement.roles.includes(user.role)) {
		error(403, 'Your role does not give you access to this page.');
	}
	if (requirement.practiceId !== undefined && !canSeePractice(user, requirement.practiceId)) {
		error(404, 'We could not find that page.');
	}
	if (requirement.pcnId !== undefined && !canSeePcn(user, requirement.pcnId)) {
		error(404, 'We could not find that page.');
	}
	if (requirement.icbId !== undefined && !canSeeIcb(user, requirement.icbId)) {
		error(404, 'We could not find that page.');
	}
	return user;
}

/** Who runs survey rounds (create, open, close, share, export) for practices in their scope. */
export const ROUND_MANAGERS: readonly Role[] = ['practice_manager', 'pcn_lead'];
/** Who sees a practice's results and dashboard (link workers read, but do not run rounds). */
export const RESULT_READERS: readonly Role[] = ['practice_manager', 'pcn_lead', 'link_worker'];
/**
 * Who reads a PCN's dashboard, its downloads and its API: its lead, and the ICB leads over it,
 * who only read (issue 26). Scope is the `pcnId` requirement: both hold the PCN in `pcnIds`.
 */
export const PCN_READERS: readonly Role[] = ['pcn_lead', 'icb_lead'];

/**
 * The guard for anything under /rounds/[roundId]: the role first (403 before any lookup, so a
 * refusal says nothing about which rounds exist), then the round's practice must be in scope;
 * an unknown round and one out of scope both read as "not there".
 */
export async function guardRound(
	event: GuardEvent & { params: Partial<Record<string, string>> },
	roles?: readonly Role[]
): Promise<{ user: SignedInUser; roundId: number; practiceId: number }> {
	guard(event, { roles });
	// Decimal digits only: /rounds/0x2 or /rounds/2e0 is not round 2.
	const roundId = idFromParam(event.params.roundId);
	const practiceId = roundId === undefined ? undefined : await practiceOfRound(event.locals.db, roundId);
	if (roundId === undefined || practiceId === undefined) error(404, 'We could not find that survey round.');
	return { user: guard(event, { roles, practiceId }), roundId, practiceId };
}

/** guardRound, and the round itself (with its practice): for pages that show or change the round. */
export async function guardRoundRow(
	event: GuardEvent & { params: Partial<Record<string, string>> },
	roles?: readonly Role[]
): Promise<{ user: SignedInUser; round: RoundWithPractice }> {
	const { user, roundId } = await guardRound(event, roles);
	const round = await getRound(event.locals.db, roundId);
	if (!round) error(404, 'We could not find that survey round.');
	return { user, round };
}

/**
 * For pages under /practices/[practiceId]: the role first (403), then the practice in the
 * address, then scope, so a practice out of scope reads exactly like one that does not exist.
 */
export function guardPractice(
	event: GuardEvent & { params: Partial<Record<string, string>> },
	roles?: readonly Role[]
): { user: SignedInUser; practiceId: number } {
	guard(event, { roles });
	const practiceId = idFromParam(event.params.practiceId);
	if (practiceId === undefined) error(404, 'We could not find that practice.');
	return { user: guard(event, { roles, practiceId }), practiceId };
}

/** guardPractice, and the practice itself: for pages that show or change the practice's own settings. */
export async function guardPracticeRow(event: GuardEvent & { params: Partial<Record<string, string>> }, roles?: readonly Role[]) {
	const { user, practiceId } = guardPractice(event, roles);
	const practice = await getPractice(event.locals.db, practiceId);
	if (!practice) error(404, 'We could not find that practice.');
	return { user, practice };
}
