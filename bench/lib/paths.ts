import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const portlineBin = fileURLToPath(new URL('../../bin/portline.mjs', import.meta.url));
export const benchDir = fileURLToPath(new URL('../', import.meta.url));
export const serversDir = fileURLToPath(new URL('../servers/', import.meta.url));
