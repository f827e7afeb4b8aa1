import type { Config } from '$lib/server/platform/config';
import type { Db } from '$lib/server/db';
import type { Mailer } from '$lib/server/platform/mail';
import type { SignedInUser } from '$lib/server/identity';

declare global {
	namespace App {
		interface Locals {
			db: Db;
			config: Config;
			mailer: Mailer;
			/** Resolved once per request in hooks.server.ts; null when nobody is signed in. */
			user: SignedInUser | null;
			sessionId: string | null;
			/** That an administrator reset this person's password, until they have read it (people.ts). */
			adminResetNotice: string | null;
		}
		interface Error {
			message: string;
		}
	}
}

export {};
