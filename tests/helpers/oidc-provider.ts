/**
 * A real OpenID Connect provider for tests and for trying single sign-on locally: oidc-provider
 * (the certified implementation by openid-client's author) on a local port, with one client
 * registered for Belonging and a few identities. Its own pages let you type any listed login
 * (the password is not checked), as an organisation's sign-in page would after its own checks.
 *
 * For the tests of what Belonging refuses, `tamper` makes the token endpoint hand back an ID
 * token re-signed with another audience, or signed with a key the provider never published.
 */
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, decodeJwt, type JWK } from 'jose';
import Provider from 'oidc-provider';

export interface TestIdentity {
	/** What you type as the login at the provider; also the `sub`. */
	login: string;
	claims: Record<string, unknown>;
}

export interface TestProvider {
	issuer: string;
	clientId: string;
	clientSecret: string;
	/** What the next ID tokens from the token endpoint look like; reset to `{}` for honest ones. */
	tamper: { audience?: string; foreignKey?: boolean };
	stop: () => Promise<void>;
}

export interface TestProviderOptions {
	port: number;
	redirectUri: string;
	signedOutUri: string;
	identities: readonly TestIdentity[];
	clientId?: string;
	clientSecret?: string;
}

/** Identities for the demo: the demo's accounts, an Entra-style one, and one with no account. */
export function demoIdentities(): TestIdentity[] {
	const verified = (login: string, name: string): TestIdentity => ({ login, claims: { email: login, email_verified: true, name } });
	return [
		verified('practice.manager@demo.belonging.example', 'Jo Evans'),
		verified('pcn.lead@demo.belonging.example', 'Priya Shah'),
		verified('link.worker@demo.belonging.example', 'Sam Okafor'),
		verified('icb.lead@demo.belonging.example', 'Dana Whitfield'),
		verified('admin@demo.belonging.example', 'Alex Morgan'),
		// As Microsoft Entra ID sends it: no `email`, the address in `preferred_username`, the tenant in `tid`.
		{
			login: 'entra-style',
			claims: { preferred_username: 'pcn.lead@demo.belonging.example', tid: '00000000-0000-0000-0000-000000000001', name: 'Priya Shah' }
		},
		verified('stranger@elsewhere.example', 'Someone Without An Account')
	];
}

export async function startTestProvider(options: TestProviderOptions): Promise<TestProvider> {
	const issuer = `http://127.0.0.1:${options.port}`;
	const clientId = options.clientId ?? 'belonging-test';
	const clientSecret = options.clientSecret ?? 'belonging-test-secret-that-is-long-enough';
	const { privateKey } = await generateKeyPair('RS256', { extractable: true });
	const signingJwk: JWK = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
	const foreign = (await generateKeyPair('RS256', { extractable: true })).privateKey;
	const byLogin = new Map(options.identities.map((identity) => [identity.login, identity]));

	const provider = new Provider(issuer, {
		clients: [
			{
				client_id: clientId,
				client_secret: clientSecret,
				redirect_uris: [options.redirectUri],
				post_logout_redirect_uris: [options.signedOutUri],
				grant_types: ['authorization_code'],
				response_types: ['code'],
				token_endpoint_auth_method: 'client_secret_post'
			}
		],
		jwks: { keys: [signingJwk as never] },
		cookies: { keys: ['belonging-test-provider-cookie-key'] },
		pkce: { required: () => true },
		// Lifetimes in seconds, short as a real provider's; a code lasts a minute.
		ttl: { AuthorizationCode: 60, AccessToken: 600, IdToken: 600, Interaction: 600, Grant: 3600, Session: 3600 },
		// The claims go in the ID token itself, as Entra ID puts them.
		conformIdTokenClaims: false,
		claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username', 'upn', 'tid'] },
		features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
		async findAccount(_ctx, sub) {
			const identity = byLogin.get(sub);
			if (!identity) return undefined;
			return { accountId: sub, claims: async () => ({ sub, ...identity.claims }) };
		},
		// Consent is the organisation's (an administrator's, in Entra ID): never asked here.
		async loadExistingGrant(ctx) {
			const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
			if (grantId) return ctx.oidc.provider.Grant.find(grantId);
			const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId });
			grant.addOIDCScope('openid email profile');
			await grant.save();
			return grant;
		}
	});

	const tamper: TestProvider['tamper'] = {};
	provider.use(async (ctx, next) => {
		await next();
		const body = ctx.body as { id_token?: string } | undefined;
		if (ctx.path !== '/token' || !body?.id_token || (!tamper.audience && !tamper.foreignKey)) return;
		const payload = decodeJwt(body.id_token);
		const jwt = new SignJWT({ ...payload, ...(tamper.audience ? { aud: tamper.audience } : {}) }).setProtectedHeader({ alg: 'RS256', kid: 'test-key' });
		body.id_token = await jwt.sign(tamper.foreignKey ? foreign : privateKey);
	});

	const server: Server = createServer(provider.callback());
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port, '127.0.0.1', () => resolve());
	});
	return {
		issuer,
		clientId,
		clientSecret,
		tamper,
		stop: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}
