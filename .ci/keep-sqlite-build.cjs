/**
 * After `npm ci`: keeps the SQLite driver this machine just compiled where the driver's installer
 * (prebuild-install) looks before it downloads a prebuilt one: npm's cache, under `_prebuilds`,
 * by the name the download would have had (package version, Node's ABI, platform, architecture).
 *
 * CI has no network beyond the package registries, so the download always fails and every run
 * compiled SQLite again from source: about a minute of one core. With the build kept, the next
 * `npm ci` on this machine unpacks it as it would unpack a download, and compiles nothing. A new
 * driver version or another Node ABI has another name, so it is compiled (and kept) afresh.
 *
 * Usage (from the project's root, after npm ci): node .ci/keep-sqlite-build.cjs
 */
const { execFileSync } = require('node:child_process');
const { existsSync, mkdirSync, renameSync } = require('node:fs');
const { dirname, join } = require('node:path');

const driver = dirname(require.resolve('better-sqlite3/package.json'));
const fromDriver = (name) => require(require.resolve(name, { paths: [driver] }));
const pkg = require(join(driver, 'package.json'));
const options = fromDriver('prebuild-install/rc')(pkg);
const { cachedPrebuild, getDownloadUrl } = fromDriver('prebuild-install/util');

const kept = cachedPrebuild(getDownloadUrl({ ...options, pkg }));
const built = join('build', 'Release', 'better_sqlite3.node');
if (existsSync(kept)) {
	console.log(`SQLite driver: installed from the build kept at ${kept}`);
} else if (!existsSync(join(driver, built))) {
	console.log(`SQLite driver: no ${built} to keep`);
} else {
	mkdirSync(dirname(kept), { recursive: true });
	const partial = `${kept}.${process.pid}.tmp`;
	// The layout of a prebuilt download: the add-on at build/Release, packed with gzip.
	execFileSync('tar', ['-czf', partial, '-C', driver, built]);
	renameSync(partial, kept);
	console.log(`SQLite driver: compiled here, and kept at ${kept} for the next npm ci`);
}
