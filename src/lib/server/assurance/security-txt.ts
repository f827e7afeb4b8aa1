/**
 * This instance's security.txt (RFC 9116): where to report a vulnerability, from SECURITY_CONTACT.
 * Without one the instance publishes none, as a file with no Contact would not be valid; /security
 * then says to contact the organisation running the service.
 */
import type { Config } from '../platform/config';

/** How far ahead Expires lies: well under the year RFC 9116 §2.5.5 advises, renewed as the service runs. */
export const SECURITY_TXT_VALID_DAYS = 90;

/** The file's text, or undefined when no contact is configured. */
export function securityTxt(config: Pick<Config, 'securityContact' | 'origin'>, now = new Date()): string | undefined {
	if (!config.securityContact) return undefined;
	const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
	const expires = new Date(midnight + SECURITY_TXT_VALID_DAYS * 24 * 60 * 60 * 1000);
	const lines = [`Contact: ${config.securityContact}`, `Expires: ${expires.toISOString().replace('.000Z', 'Z')}`, 'Preferred-Languages: en'];
	// Canonical and Policy need the address people use; without ORIGIN they are left out.
	if (config.origin) lines.push(`Canonical: ${config.origin}/.well-known/security.txt`, `Policy: ${config.origin}/security`);
	return `${lines.join('\n')}\n`;
}
