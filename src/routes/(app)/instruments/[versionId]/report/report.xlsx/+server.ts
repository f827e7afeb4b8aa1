import { reportDownloadRoute } from '../report.server';
import type { RequestHandler } from './$types';

/** The report page's figures as an Excel workbook (typed cells, a "Read me" sheet), for the same people and the same `scope`. */
export const GET: RequestHandler = reportDownloadRoute('xlsx');
