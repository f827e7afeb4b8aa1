/**
 * What the start-up commands share: the build (built once per change of the sources, build-once.ts),
 * the environment the server gets, and the server itself (`node build`), stopped with this command.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { buildOnce } from './build-once';
import { isLoopbackHost } from '../platform/config';
import { originOrLocal } from '../platform/origin';

/** Where the demo listens unless HOST says otherwise: this computer only, as its sign-in page lists every account's password. */
export const DEMO_HOST = '127.0.0.1';

/** `vite build` into outDir (svelte.config.js reads BUILD_OUT), its output shown as it comes. */
export function viteBuild(outDir: string): Promise<void> {
	const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [vite, 'build'], { stdio: 'inherit', env: { ...process.env, BUILD_OUT: outDir } });
		child.once('error', reject);
		child.once('exit', (code, signal) =>
			code === 0 ? resolve() : reject(new Error(`The build failed (${signal ?? `exit code ${code}`}); its messages are above.`))
		);
	});
}

/** Builds if the sources changed since the last good build, timing it for the person waiting. */
export async function prepareBuild(root: string = process.cwd()): Promise<void> {
	const started = performance.now();
	const result = await buildOnce(root, { build: viteBuild, say: (line) => console.log(line) });
	if (result.built) console.log(`Built in ${((performance.now() - started) / 1000).toFixed(0)} s.`);
}

/** The demo's server environment: its own database, made-up data, and this computer only unless HOST says otherwise. */
export interface DemoEnvironment extends Record<string, string> {
	HOST: string;
	ORIGIN: string;
	DEMO: '1';
	DATABASE_PATH: string;
}

export function demoEnvironment(env: Record<string, string | undefined>): DemoEnvironment {
	return {
		HOST: env.HOST?.trim() || DEMO_HOST,
		ORIGIN: originOrLocal(env),
		DEMO: '1',
		DATABASE_PATH: env.DATABASE_PATH?.trim() || './data/demo.db'
	};
}

/** What the demo says when it starts: where to open it, and who else can. */
export function demoGreeting(env: Pick<DemoEnvironment, 'HOST' | 'ORIGIN'>): string[] {
	const reach = isLoopbackHost(env.HOST) || env.HOST === '::1'
		? `It answers on this computer only (HOST=${env.HOST}); set HOST=0.0.0.0 to let other computers in.`
		: `It answers on HOST=${env.HOST}, so anyone who can reach this computer can open it, and its sign-in page lists every demo account with its password.`;
	return [`Belonging demo: open ${env.ORIGIN}`, reach];
}

/** Runs `node build` with these variables; this command ends when the server does, and stops it when stopped. */
export function runServer(env: Record<string, string>, onExit: (code: number) => void | Promise<void> = () => {}): ChildProcess {
	const server = spawn(process.execPath, ['build'], { stdio: 'inherit', env: { ...process.env, ...env } });
	const stop = () => server.kill('SIGTERM');
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	server.once('exit', async (code, signal) => {
		await onExit(code ?? (signal ? 0 : 1));
		process.exit(code ?? 0);
	});
	return server;
}

