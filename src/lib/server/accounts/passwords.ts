/**
 * Password hashing with scrypt from Node's own crypto (no native add-on to build), and the
 * rules a new password must meet.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import { ConcurrencyGate, GateFullError } from '../platform/gate';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

export interface ScryptCost {
	/** log2 of scrypt's N. */
	logN: number;
	r: number;
	p: number;
}

/** OWASP's recommended scrypt parameters (N = 2^17, r = 8, p = 1): 128 MiB and a few hundred ms per hash. */
export const RECOMMENDED_COST: ScryptCost = { logN: 17, r: 8, p: 1 };
const KEY_LENGTH = 32;

/**
 * At most two scrypt runs at once (each takes 128 MiB and most of a core for a few hundred ms),
 * and at most 32 more waiting: about five seconds of work. A burst of guesses beyond that is
 * refused at once (PasswordChecksBusyError) instead of making every other sign-in wait behind it.
 */
export const passwordGate = new ConcurrencyGate(2, 32);

/** Too many password checks are already under way or waiting; try again in a few seconds. */
export class PasswordChecksBusyError extends Error {
	name = 'PasswordChecksBusyError';
	constructor() {
		super('Too many password checks are waiting');
	}
}

async function scrypt(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
	const N = 2 ** cost.logN;
	const options: ScryptOptions = { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r + 1024 * 1024 };
	const run = () =>
		new Promise<Buffer>((resolve, reject) =>
			scryptCallback(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) =>
				error ? reject(error) : resolve(key)
			)
		);
	try {
		return await passwordGate.run(run);
	} catch (error) {
		if (error instanceof GateFullError) throw new PasswordChecksBusyError();
		throw error;
	}
}

/** `scrypt$17$8$1$<salt>$<key>`: the cost travels with the hash, so it can be raised later. */
export async function hashPassword(password: string, cost: ScryptCost = RECOMMENDED_COST): Promise<string> {
	const salt = randomBytes(16);
	const key = await scrypt(password, salt, cost);
	return ['scrypt', cost.logN, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
	const [scheme, logN, r, p, salt, key] = hash.split('$');
	if (scheme !== 'scrypt' || !salt || !key) return false;
	const expected = Buffer.from(key, 'base64url');
	const actual = await scrypt(password, Buffer.from(salt, 'base64url'), {
		logN: Number(logN),
		r: Number(r),
		p: Number(p)
	});
	return actual.length === expected.length && timingSafeEqual(actual, expected);
}

let dummyHash: Promise<string> | undefined;
/**
 * Spends the same time as a real check when there is no account to check against, so the
 * time a sign-in takes does not reveal whether an email address has an account.
 */
export async function verifyAgainstNothing(password: string): Promise<false> {
	dummyHash ??= hashPassword('no account has this password');
	await verifyPassword(await dummyHash, password);
	return false;
}

let strength: ZxcvbnFactory | undefined;

/**
 * A password needs 12 characters and must not be guessable: zxcvbn checks it against about
 * 50,000 of the most common passwords and the usual patterns (keyboard runs, repeats, dates).
 * Returns the problem in plain words, or undefined when the password is fine.
 */
export function passwordProblem(password: string, personal: string[] = []): string | undefined {
	if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
	if (password.length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
	strength ??= new ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });
	const words = personal.flatMap((value) => value.toLowerCase().split(/[^a-z0-9]+/)).filter((w) => w.length >= 3);
	const result = strength.check(password, words);
	if (result.score >= 3) return undefined;
	const fromCommonList = result.sequence.some((match) => match.pattern === 'dictionary' && match.dictionaryName === 'passwords-common');
	return fromCommonList
		? 'This password is one of the most common passwords, or built from one. Choose something less predictable: three or four unrelated words work well.'
		: 'This password would be easy to guess. Choose something less predictable: three or four unrelated words work well.';
}
