import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

/**
 * Prometheus's scrapes. With METRICS_TOKEN set, the `serveMetrics` hook (platform/metrics.ts)
 * answers GET and HEAD here before the session and the dated work run, so a scrape never writes;
 * this route names the path for the router (its log lines and metrics say `/metrics`) and answers
 * what reaches it: without METRICS_TOKEN there are no metrics to show, as if the page did not exist.
 */
export const GET: RequestHandler = () => error(404, 'Not found');
