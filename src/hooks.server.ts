import { env } from '$env/dynamic/private';
import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { ukDate } from '$lib/dates';
import { startApp, type AppContext } from '$lib/server/app';
import { closeDueRounds } from '$lib/server/rounds';

let app: AppContext | undefined;

export const init: ServerInit = async () => {
	try {
		app = await startApp(env);
	} catch (error) {
		// A clear sentence, not a stack trace: these are configuration problems a person can fix.
		console.error((error as Error).message);
		process.exit(1);
	}
	const { config } = app;
	console.log(
		`Belonging: database ${config.databasePath}, MIN_RESPONSES=${config.minResponses}${config.demo ? ', demo data on' : ''}`
	);
};

const CLOSE_CHECK_INTERVAL_MS = 60_000;
let lastCloseCheck = Date.now();

export const handle: Handle = async ({ event, resolve }) => {
	if (!app) throw new Error('Belonging has not started');
	event.locals.db = app.db;
	event.locals.config = app.config;
	// Rounds close on their date without a scheduler: checked at start-up and then at most once a minute.
	if (Date.now() - lastCloseCheck > CLOSE_CHECK_INTERVAL_MS) {
		lastCloseCheck = Date.now();
		await closeDueRounds(app.db, ukDate());
	}
	return resolve(event);
};

export const handleError: HandleServerError = ({ error, status }) => {
	if (status >= 500) console.error(error);
	return { message: status === 404 ? 'We could not find that page.' : 'Something went wrong on our side. Please try again.' };
};
