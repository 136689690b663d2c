/**
 * The build (`npm run build`, and `prepare` at `npm ci`): the TypeScript sources become two
 * CommonJS files, build/klp-selftest.cjs (the CLI, which bin/klp-selftest.js loads through a
 * V8 code cache: bin/code_cache.js) and build/explore-worker.cjs (an explorer worker thread).
 * esbuild only strips the types; `npm test` type-checks the sources with tsc.
 *
 * Why one file: Node 20 has no compile cache for ES modules, and resolving, reading and
 * compiling some 150 modules one by one is a third of a run's start. One script can be
 * handed to V8 with the bytecode of an earlier run, so a start neither parses nor compiles
 * what it ran before.
 *
 * Each module's `import.meta.url` in the bundle still names its source file, as it does
 * when the sources run under tsx, so paths computed from it (the project root) are the same.
 */
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const outdir = `${root}/build`;

/**
 * KLP_BUILD_ID: a hash of what the bundle is made of (the sources and the locked
 * dependencies), so that anything cached from a run of one build (harness/selftest/
 * suite_cache.ts) is never taken for another's.
 */
function buildId() {
  const hash = createHash('sha256');
  for (const dir of ['harness', 'modules']) {
    const files = readdirSync(`${root}/${dir}`, { recursive: true })
      .filter((f) => f.endsWith('.ts'))
      .sort();
    for (const f of files) hash.update(`${dir}/${f}`).update('\0').update(readFileSync(`${root}/${dir}/${f}`)).update('\0');
  }
  hash.update(readFileSync(`${root}/package-lock.json`));
  return hash.digest('hex').slice(0, 20);
}

/** import.meta.url of a source file, written as the bundle computes it at run time */
const metaUrlOf = {
  name: 'import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const rel = relative(outdir, args.path).split('\\').join('/');
      const url = `require('node:url').pathToFileURL(require('node:path').join(__dirname, ${JSON.stringify(rel)})).href`;
      return { contents: text.replaceAll('import.meta.url', `(${url})`), loader: 'ts' };
    });
  },
};

// what an earlier build left (tsc's output of older versions among it) must not linger
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { 'klp-selftest': `${root}/harness/cli.ts`, 'explore-worker': `${root}/harness/explore/worker.ts` },
  outdir,
  outExtension: { '.js': '.cjs' },
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
