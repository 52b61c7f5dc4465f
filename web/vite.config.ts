import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

const webDir = fileURLToPath(new URL('.', import.meta.url))
const repoDir = fileURLToPath(new URL('..', import.meta.url))
const server = 'http://localhost:3000'

/** The office web app: built into web/dist, which the API server serves with an SPA fallback. */
export default defineConfig({
  root: webDir,
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
  },
  server: {
    // The shared zod contracts live in ../src/contracts, outside the web root.
    fs: { allow: [repoDir] },
    proxy: { '/api': server, '/health': server },
  },
})
