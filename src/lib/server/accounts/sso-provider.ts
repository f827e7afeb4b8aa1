/**
 * Talking to the organisation's OpenID Connect provider, through openid-client: discovery (kept
 * for the life of the process), the address that sends a person to sign in, the code exchange
 * with every check of the answer, and the provider's own sign-out.
 *
 * The exchange checks the `state` the browser brought back, the PKCE verifier, and the ID
 * token's issuer, audience, expiry, `nonce` and signature against the provider's published keys
 * (enableNonRepudiationChecks: openid-client would otherwise rely on TLS alone for a token it
 * fetched itself).
 */
import * as client from 'openid-client';
import { isLoopbackHost, type SingleSignOnConfig } from '../platform/config';
import type { IdentityClaims } from './sso-identity';

/** Seconds to wait for the provider before telling the person it cannot be reached. */
const PROVIDER_TIMEOUT_SECONDS = 10;
const SCOPES = 'openid email profile';

/** The provider could not be reached, or its discovery document was not usable. */
export class ProviderUnavailableError extends Error {
	constructor(cause: unknown) {
		super('The identity provider could not be reached', { cause });
		this.name = 'ProviderUnavailableError';
	}
}

let discovered: { key: string; configuration: Promise<client.Configuration> } | undefined;

/** The provider's configuration, discovered once; a failed discovery is tried again next time. */
export function providerConfiguration(settings: SingleSignOnConfig): Promise<client.Configuration> {
	const key = `${settings.issuer}\u0000${settings.clientId}`;
	if (discovered?.key === key) return discovered.configuration;
	const issuer = new URL(settings.issuer);
	const configuration = client
		.discovery(issuer, settings.clientId, { client_secret: settings.clientSecret }, client.ClientSecretPost(settings.clientSecret), {
			timeout: PROVIDER_TIMEOUT_SECONDS,
			execute: [client.enableNonRepudiationChecks, ...(issuer.protocol === 'http:' && isLoopbackHost(issuer.hostname) ? [client.allowInsecureRequests] : [])]
		})
		.catch((error: unknown) => {
			if (discovered?.configuration === configuration) discovered = undefined;
			throw new ProviderUnavailableError(error);
		});
	discovered = { key, configuration };
	return configuration;
}

export interface AuthorisationChecks {
	state: string;
	nonce: string;
	codeVerifier: string;
}

export function newAuthorisationChecks(): AuthorisationChecks {
	return { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() };
}

/** Where to send the person to sign in with the provider. */
export async function authorisationUrl(settings: SingleSignOnConfig, checks: AuthorisationChecks): Promise<URL> {
	const configuration = await providerConfiguration(settings);
	return client.buildAuthorizationUrl(configuration, {
		redirect_uri: settings.redirectUri,
		scope: SCOPES,
		state: checks.state,
		nonce: checks.nonce,
		code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
		code_challenge_method: 'S256'
	});
}

export type ProviderAnswer =
	| { ok: true; claims: IdentityClaims & { iss: string } }
	/** `declined`: the provider sent an error instead of a code (the person cancelled, say). */
	| { ok: false; reason: 'declined' | 'not_confirmed'; detail: string };

/**
 * Exchanges the code in the provider's answer for an ID token and checks both. `query` is the
 * callback's query string; it is read against the registered return address, not the address
 * the request came in on, which a proxy may have changed.
 */
export async function exchangeAnswer(settings: SingleSignOnConfig, query: URLSearchParams, checks: AuthorisationChecks): Promise<ProviderAnswer> {
	const configuration = await providerConfiguration(settings);
	const answer = new URL(settings.redirectUri);
	answer.search = query.toString();
	try {
		const tokens = await client.authorizationCodeGrant(configuration, answer, {
			pkceCodeVerifier: checks.codeVerifier,
			expectedState: checks.state,
			expectedNonce: checks.nonce,
			idTokenExpected: true
		});
		const claims = tokens.claims();
		if (!claims) return { ok: false, reason: 'not_confirmed', detail: 'no ID token' };
		return { ok: true, claims };
	} catch (error) {
		if (error instanceof client.AuthorizationResponseError) return { ok: false, reason: 'declined', detail: error.error };
		if (error instanceof client.ResponseBodyError) return { ok: false, reason: 'not_confirmed', detail: `token endpoint: ${error.error}` };
		if (error instanceof client.WWWAuthenticateChallengeError) return { ok: false, reason: 'not_confirmed', detail: `token endpoint challenge: ${error.message}` };
		if (error instanceof client.ClientError || error instanceof TypeError) {
			const code = (error as { code?: string }).code;
			return { ok: false, reason: 'not_confirmed', detail: code ? `${code}: ${error.message}` : error.message };
		}
		throw error;
	}
}

/** The provider's own sign-out, when it publishes one, returning to Belonging's sign-in page. */
export async function providerSignOutUrl(settings: SingleSignOnConfig): Promise<string | null> {
	let configuration: client.Configuration;
	try {
		configuration = await providerConfiguration(settings);
	} catch {
		return null;
	}
	if (!configuration.serverMetadata().end_session_endpoint) return null;
	return client
		.buildEndSessionUrl(configuration, { client_id: settings.clientId, post_logout_redirect_uri: settings.signedOutUri })
		.toString();
}
