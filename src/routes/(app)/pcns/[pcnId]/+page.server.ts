import { loadPcnDashboard } from './dashboard.server';
import type { PageServerLoad } from './$types';

export const load = ((event) => loadPcnDashboard(event, 'PCN dashboard')) satisfies PageServerLoad;
