import { reportDownloadRoute } from '../report.server';
import type { RequestHandler } from './$types';

/** The report page's figures as CSV, for the same people and the same `scope`. */
export const GET: RequestHandler = reportDownloadRoute('csv');
