/**
 * `npm start`: the server, built first when the sources changed since the last build (a running
 * server keeps its own build: build-once.ts), with ORIGIN defaulting to this computer's address.
 */
import { prepareBuild, runServer } from './launch';
import { originOrLocal } from '../platform/origin';

try {
	await prepareBuild();
} catch (error) {
	console.error((error as Error).message);
	process.exit(1);
}
runServer({ ORIGIN: originOrLocal(process.env) });
