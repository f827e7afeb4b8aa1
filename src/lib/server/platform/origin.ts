/**
 * The address people use to reach Belonging: ORIGIN, or this computer's own server on PORT
 * (http://localhost:3000 by default). The one place that fallback is written: the start-up
 * commands pass it to the server, and the server's mail links and printed links use it too.
 */
export const DEFAULT_PORT = 3000;

export function originOrLocal(env: Record<string, string | undefined>): string {
	return env.ORIGIN?.trim() || `http://localhost:${env.PORT?.trim() || DEFAULT_PORT}`;
}

/**
 * The host (name and port) of an origin, lower-cased, with the scheme's default port left out,
 * as a browser would send it in the Host header: `http://LocalHost:80` → `localhost`.
 */
export function originHost(origin: string): string {
	return new URL(origin).host;
}
