import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	vitePlugin: {
		// Runes everywhere in our own code; leave third-party components to their own mode.
		dynamicCompileOptions: ({ filename }) =>
			filename.includes('node_modules') ? undefined : { runes: true }
	},
	kit: {
		// BUILD_OUT: the start-up commands build into a fresh folder and swap it in (src/lib/server/cli/build-once.ts).
		adapter: adapter({ out: process.env.BUILD_OUT || 'build' }),
		// Kit adds a nonce (or, for prerendered pages, a hash) to script-src for its own inline
		// start-up script, so no inline script runs without one. Styles come only from our own
		// stylesheets: components never render a `style` attribute, and inlineStyleThreshold stays
		// at its default of 0 so Kit never inlines a <style> block either.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self'],
				// One exact style attribute that is not ours is let through by its hash, and no other:
				// Kit's route announcer (sveltejs/kit#11993), which otherwise shows page titles on screen
				// after each navigation. If Kit changes it, tests/e2e/security.test.ts reports the new hash.
				'style-src-attr': ['unsafe-hashes', 'sha256-S8qMpvofolR8Mpjy4kQvEm7m1q8clzU4dfDH0AmvZjo='],
				'img-src': ['self', 'data:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none'],
				'base-uri': ['self'],
				'object-src': ['none']
			}
		},
		// Kit's own refusal of forms from another origin is a bare sentence with no address to go to;
		// hooks.server.ts makes the same check (src/lib/server/platform/own-address.ts) and answers it
		// in words. '*' is Kit's way to leave the check to the app.
		csrf: { trustedOrigins: ['*'] },
		typescript: {
			config(tsconfig) {
				// Migrations and the survey's own script live outside src/ but are type-checked with the app.
				tsconfig.include.push('../migrations/**/*.ts', '../static/**/*.js');
			}
		}
	}
};

export default config;
