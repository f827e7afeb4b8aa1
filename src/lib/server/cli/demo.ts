/**
 * `npm run demo`: the demo on made-up data, in ./data/demo.db, built first only when the sources
 * changed since the last build. It listens on 127.0.0.1 unless HOST says otherwise.
 */
import { demoEnvironment, demoGreeting, prepareBuild, runServer } from './launch';

try {
	await prepareBuild();
} catch (error) {
	console.error((error as Error).message);
	process.exit(1);
}
const env = demoEnvironment(process.env);
for (const line of demoGreeting(env)) console.log(line);
runServer(env);
