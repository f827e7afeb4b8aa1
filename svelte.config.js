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
		adapter: adapter(),
		typescript: {
			config(tsconfig) {
				// Migrations live outside src/ but are type-checked with the app.
				tsconfig.include.push('../migrations/**/*.ts');
			}
		}
	}
};

export default config;
