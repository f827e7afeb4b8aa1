/**
 * Which email address an OpenID Connect ID token vouches for. Pure: no I/O.
 *
 * Single sign-on matches an existing account by email, so the address must be one the provider
 * has verified, not one a person typed into their profile. Providers say so differently, and
 * Microsoft Entra ID (NHSmail) may put the address in any of three claims; each is taken only
 * where it is trustworthy, in this order:
 * 1. `email`, when `email_verified` is true, or Entra's `xms_edov` (the address's domain is
 *    verified by the tenant) is true.
 * 2. `upn`, Entra's user principal name, whose domain the tenant must have verified; a guest's
 *    (`…#EXT#@…`) is the tenant's alias for an outside address, so it is not taken.
 * 3. `preferred_username`, only in an Entra work-account token (one with a `tid`), where it is the
 *    user principal name; elsewhere it is whatever the person chose.
 * An unverified `email` (`email_verified` false) is never taken, whichever claim comes next.
 */

/** The claims this reads; every other claim is ignored. */
export interface IdentityClaims {
	sub?: unknown;
	email?: unknown;
	email_verified?: unknown;
	xms_edov?: unknown;
	upn?: unknown;
	preferred_username?: unknown;
	tid?: unknown;
	name?: unknown;
}

export type VouchedEmail =
	| { ok: true; email: string; claim: 'email' | 'upn' | 'preferred_username' }
	| { ok: false; reason: 'no_subject' | 'no_verified_email' };

const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

function address(value: unknown): string | null {
	if (typeof value !== 'string') return null;
	const trimmed = value.trim().toLowerCase();
	return trimmed.length <= 254 && ADDRESS.test(trimmed) ? trimmed : null;
}

export function vouchedEmail(claims: IdentityClaims): VouchedEmail {
	if (typeof claims.sub !== 'string' || claims.sub.length === 0 || claims.sub.length > 255) return { ok: false, reason: 'no_subject' };
	if (claims.email_verified === false) return { ok: false, reason: 'no_verified_email' };
	const email = address(claims.email);
	if (email && (claims.email_verified === true || claims.xms_edov === true)) return { ok: true, email, claim: 'email' };
	const upn = address(claims.upn);
	if (upn && !upn.includes('#ext#')) return { ok: true, email: upn, claim: 'upn' };
	const preferred = address(claims.preferred_username);
	if (preferred && typeof claims.tid === 'string' && !preferred.includes('#ext#')) return { ok: true, email: preferred, claim: 'preferred_username' };
	return { ok: false, reason: 'no_verified_email' };
}
