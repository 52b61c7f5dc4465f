import { fileURLToPath } from 'node:url'

/**
 * The project's folder (where package.json and web/dist are), whether this code runs from the
 * sources (src/config/…, through tsx) or from the production build (dist/server/src/config/…).
 */
export const projectRoot = fileURLToPath(new URL(import.meta.url.includes('/dist/server/') ? '../../../../' : '../../', import.meta.url))

