/** Short forms for the rows of a facade's declarations (src/facades/*-declarations.ts). */
import type { Row } from './facade-core.js';

export const yes = (ours: string): Row => ({ support: 'yes', ours });
export const partial = (ours: string): Row => ({ support: 'partial', ours });
export const na = (ours: string): Row => ({ support: 'n/a', ours });
export const no = (ours: string): Row => ({ support: 'no', ours });
