/**
 * Second half of the build (`npm run build`, and `prepare` at `npm ci`): the CLI that tsc
 * compiled into build/ becomes one CommonJS file, build/klp-selftest.cjs, which
 * bin/klp-selftest.js loads through a V8 code cache (bin/code_cache.js).
 *
 * Why one file: Node 20 has no compile cache for ES modules, and resolving, reading and
 * compiling some 150 modules one by one is a third of a run's start. One script can be
 * handed to V8 with the bytecode of an earlier run, so a start neither parses nor compiles
 * what it ran before.
 *
 * The unbundled build stays: the explorer's worker threads start from it, and each module's
 * `import.meta.url` in the bundle still names its file there, so paths computed from it
 * (the project root, the worker's file) are the same in both.
 */
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const outfile = `${root}/build/klp-selftest.cjs`;

/**
 * KLP_BUILD_ID: a hash of what the bundle is made of (the compiled sources and the locked
 * dependencies), so that anything cached from a run of one build (harness/selftest/
 * suite_cache.ts) is never taken for another's.
 */
function buildId() {
  const hash = createHash('sha256');
  const files = readdirSync(`${root}/build`, { recursive: true })
    .filter((f) => f.endsWith('.js') && !f.startsWith('cache'))
    .sort();
  for (const f of files) hash.update(f).update('\0').update(readFileSync(`${root}/build/${f}`)).update('\0');
  hash.update(readFileSync(`${root}/package-lock.json`));
  return hash.digest('hex').slice(0, 20);
}

/** import.meta.url of a module in build/, written as the bundle computes it at run time */
const metaUrlOf = {
  name: 'import-meta-url',
  setup(b) {
    b.onLoad({ filter: /[/\\]build[/\\].*\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const rel = relative(dirname(outfile), args.path).split('\\').join('/');
      const url = `require('node:url').pathToFileURL(require('node:path').join(__dirname, ${JSON.stringify(rel)})).href`;
      return { contents: text.replaceAll('import.meta.url', `(${url})`), loader: 'js' };
    });
  },
};

await build({
  entryPoints: [`${root}/build/harness/cli.js`],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  plugins: [metaUrlOf],
  define: { KLP_BUILD_ID: JSON.stringify(buildId()) },
  logLevel: 'warning',
  legalComments: 'none',
  // comments and layout are half the file, and reading it is part of every start
  minifyWhitespace: true,
  minifySyntax: true,
});
