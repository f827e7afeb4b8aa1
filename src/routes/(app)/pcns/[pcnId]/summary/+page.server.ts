import { loadPcnDashboard } from '../dashboard.server';
import type { PageServerLoad } from './$types';

// The dashboard's own load: the same readers, the same period, the same figures.
export const load = ((event) => loadPcnDashboard(event, 'printable PCN summary')) satisfies PageServerLoad;
