import { error } from '@sveltejs/kit';
import { securityTxt } from '$lib/server/assurance/security-txt';
import type { RequestHandler } from './$types';

/** RFC 9116, for anyone: served only when SECURITY_CONTACT is set. */
export const GET: RequestHandler = ({ locals }) => {
	const text = securityTxt(locals.config);
	if (!text) error(404, 'This service has not published a security contact. See /security for who to contact.');
	return new Response(text, { headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'max-age=86400' } });
};
