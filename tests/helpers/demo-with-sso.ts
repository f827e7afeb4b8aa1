/**
 * `npm run demo:sso`: the demo, with single sign-on through a test OpenID Connect provider
 * started beside it (oidc-provider, on PORT + 1). Sign in with the button and type a demo
 * account's email address as the login at the provider; any password will do there.
 */
import { demoEnvironment, demoGreeting, prepareBuild, runServer } from '../../src/lib/server/cli/launch';
import { DEFAULT_PORT } from '../../src/lib/server/platform/origin';
import { demoIdentities, startTestProvider } from './oidc-provider';

try {
	await prepareBuild();
} catch (error) {
	console.error((error as Error).message);
	process.exit(1);
}
const port = Number(process.env.PORT?.trim() || DEFAULT_PORT);
const providerPort = Number(process.env.SSO_TEST_PORT ?? port + 1);
const demo = demoEnvironment(process.env);
const origin = demo.ORIGIN;
const provider = await startTestProvider({
	port: providerPort,
	redirectUri: `${origin}/sign-in/sso/callback`,
	signedOutUri: `${origin}/sign-in`,
	identities: demoIdentities()
});

console.log(`Test identity provider: ${provider.issuer}`);
console.log('At its sign-in page, type one of these as the login (any password):');
for (const identity of demoIdentities()) console.log(`  ${identity.login}`);

for (const line of demoGreeting(demo)) console.log(line);
runServer(
	{
		...demo,
		PORT: String(port),
		SSO_ISSUER: provider.issuer,
		SSO_CLIENT_ID: provider.clientId,
		SSO_CLIENT_SECRET: provider.clientSecret,
		SSO_NAME: process.env.SSO_NAME ?? 'the test provider'
	},
	() => provider.stop()
);
