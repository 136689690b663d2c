/**
 * Where an explorer worker thread starts: under the bundled CLI, the worker's own bundle
 * beside it (scripts/bundle.js builds build/explore-worker.cjs); from the sources (tsx, as
 * the tests run), worker.ts beside this file.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

declare const KLP_BUILD_ID: string | undefined;

export function workerFile(): URL {
  return typeof KLP_BUILD_ID === 'string' ? pathToFileURL(join(__dirname, 'explore-worker.cjs')) : new URL('./worker.js', import.meta.url);
}
