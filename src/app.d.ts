import type { Config } from '$lib/server/config';
import type { Db } from '$lib/server/db';

declare global {
	namespace App {
		interface Locals {
			db: Db;
			config: Config;
		}
		interface Error {
			message: string;
		}
	}
}

export {};
