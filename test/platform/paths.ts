import { fileURLToPath } from 'node:url';

/** Absolute paths of the project's topology files and of this folder's fixtures. */
export const topologyPath = (file: string): string => fileURLToPath(new URL(`../../topologies/${file}`, import.meta.url));
export const fixturePath = (file: string): string => fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url));
