import { describe, expect, it } from 'vitest';
import { vouchedEmail } from '../../src/lib/server/accounts/sso-identity';

const TENANT = '72f988bf-0000-0000-0000-000000000000';

describe('vouchedEmail: which address an ID token vouches for', () => {
	it.each([
		['a verified email', { sub: 's', email: 'Jo.Evans@NHS.net', email_verified: true }, 'jo.evans@nhs.net', 'email'],
		['an email whose domain Entra has verified (xms_edov)', { sub: 's', email: 'jo@nhs.net', xms_edov: true }, 'jo@nhs.net', 'email'],
		['Entra’s user principal name', { sub: 's', upn: 'jo.evans@nhs.net', email: 'personal@example.com' }, 'jo.evans@nhs.net', 'upn'],
		['preferred_username in an Entra work-account token', { sub: 's', preferred_username: 'jo.evans@nhs.net', tid: TENANT }, 'jo.evans@nhs.net', 'preferred_username'],
		['a verified email before the user principal name', { sub: 's', email: 'a@nhs.net', email_verified: true, upn: 'b@nhs.net' }, 'a@nhs.net', 'email'],
		['the user principal name before preferred_username', { sub: 's', upn: 'a@nhs.net', preferred_username: 'b@nhs.net', tid: TENANT }, 'a@nhs.net', 'upn'],
		['an address with spaces around it', { sub: 's', email: '  jo@nhs.net ', email_verified: true }, 'jo@nhs.net', 'email']
	])('takes %s', (_what, claims, email, claim) => {
		expect(vouchedEmail(claims)).toEqual({ ok: true, email, claim });
	});

	it.each([
		['an email with no word on whether it is verified', { sub: 's', email: 'jo@nhs.net' }],
		['an email the provider says is not verified, whatever else comes', { sub: 's', email: 'jo@nhs.net', email_verified: false, upn: 'jo@nhs.net' }],
		['email_verified as the string "true"', { sub: 's', email: 'jo@nhs.net', email_verified: 'true' }],
		['preferred_username outside an Entra work account (no tid)', { sub: 's', preferred_username: 'jo@nhs.net' }],
		['preferred_username that is not an address', { sub: 's', preferred_username: '07700900123', tid: TENANT }],
		['a guest’s user principal name', { sub: 's', upn: 'jo_gmail.com#EXT#@nhs.onmicrosoft.com' }],
		['a guest’s preferred_username', { sub: 's', preferred_username: 'jo_gmail.com#EXT#@nhs.onmicrosoft.com', tid: TENANT }],
		['an address that is not one', { sub: 's', email: 'jo at nhs.net', email_verified: true }],
		['an address over 254 characters', { sub: 's', email: `${'a'.repeat(250)}@nhs.net`, email_verified: true }],
		['an address in a list', { sub: 's', email: 'a@nhs.net,b@nhs.net', email_verified: true }],
		['no claims about an address at all', { sub: 's', name: 'Jo Evans' }]
	])('refuses %s', (_what, claims) => {
		expect(vouchedEmail(claims)).toEqual({ ok: false, reason: 'no_verified_email' });
	});

	it.each([
		['no subject', { email: 'jo@nhs.net', email_verified: true }],
		['an empty subject', { sub: '', email: 'jo@nhs.net', email_verified: true }],
		['a subject that is not text', { sub: 42, email: 'jo@nhs.net', email_verified: true }],
		['a subject over 255 characters', { sub: 'x'.repeat(256), email: 'jo@nhs.net', email_verified: true }]
	])('refuses a token with %s, whose identity could not be linked', (_what, claims) => {
		expect(vouchedEmail(claims)).toEqual({ ok: false, reason: 'no_subject' });
	});
});
