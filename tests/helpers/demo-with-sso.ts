/**
 * `npm run demo:sso`: the demo, with single sign-on through a test OpenID Connect provider
 * started beside it (oidc-provider, on PORT + 1). Sign in with the button and type a demo
 * account's email address as the login at the provider; any password will do there.
 */
import { spawn } from 'node:child_process';
import { demoIdentities, startTestProvider } from './oidc-provider';

const port = Number(process.env.PORT ?? 3000);
const providerPort = Number(process.env.SSO_TEST_PORT ?? port + 1);
const origin = process.env.ORIGIN ?? `http://localhost:${port}`;
const provider = await startTestProvider({
	port: providerPort,
	redirectUri: `${origin}/sign-in/sso/callback`,
	signedOutUri: `${origin}/sign-in`,
	identities: demoIdentities()
});

console.log(`Test identity provider: ${provider.issuer}`);
console.log('At its sign-in page, type one of these as the login (any password):');
for (const identity of demoIdentities()) console.log(`  ${identity.login}`);

const server = spawn(process.execPath, ['build'], {
	stdio: 'inherit',
	env: {
		...process.env,
		PORT: String(port),
		ORIGIN: origin,
		DEMO: '1',
		DATABASE_PATH: process.env.DATABASE_PATH ?? './data/demo.db',
		SSO_ISSUER: provider.issuer,
		SSO_CLIENT_ID: provider.clientId,
		SSO_CLIENT_SECRET: provider.clientSecret,
		SSO_NAME: process.env.SSO_NAME ?? 'the test provider'
	}
});
const stop = () => server.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.on('exit', async (code) => {
	await provider.stop();
	process.exit(code ?? 0);
});
