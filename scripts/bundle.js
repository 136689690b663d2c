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
 * The libraries only some commands use (yaml: loading a changed suite, import, export;
 * fast-check: explore; diff: a log that differs) are bundled apart, into
 * build/lib/<name>.cjs, and required at their first use: the CLI's file is half as long
 * without them, and a `run` of suites that did not change reads, deserializes and sets up
 * only what it runs (a start's loading went from 38 to 29 ms).
 *
 * Each module's `import.meta.url` in the bundle still names its source file, as it does
 * when the sources run under tsx, so paths computed from it (the project root) are the same.
 */
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
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

/** libraries bundled into their own file, loaded by the CLI at first use */
const LAZY_LIBRARIES = ['yaml', 'fast-check', 'diff'];
const require = createRequire(import.meta.url);

/**
 * An import of a lazy library becomes a stand-in with one getter per export that requires
 * build/lib/<name>.cjs at the first access: nothing is loaded while the importing module is
 * only set up. The names come from the library itself, so the stand-in has them all; a
 * default import is the stand-in itself, as Node gives a CommonJS module's exports.
 */
const lazyLibraries = {
  name: 'lazy-libraries',
  setup(b) {
    const filter = new RegExp(`^(${LAZY_LIBRARIES.join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'lazy-library' }));
    // the stand-in's own require of the library stays a require at run time
    b.onResolve({ filter: /^\.\/lib\//, namespace: 'lazy-library' }, (args) => ({ path: args.path, external: true }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-library' }, (args) => {
      const names = Object.getOwnPropertyNames(require(args.path)).filter((n) => n !== '__esModule' && n !== 'default');
      const getters = names.map((n) => `${JSON.stringify(n)}: { get: () => load()[${JSON.stringify(n)}], enumerable: true }`);
      const contents = `let lib;
const load = () => (lib ??= require(${JSON.stringify(`./lib/${args.path}.cjs`)}));
module.exports = Object.defineProperties({}, { ${getters.join(',\n')} });`;
      return { contents, loader: 'js' };
    });
  },
};

/** what both builds share: CommonJS files for Node 20 under build/ */
const common = {
  outdir,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  legalComments: 'none',
  // comments and layout are half the file, and reading it is part of every start
  minifyWhitespace: true,
  minifySyntax: true,
};

// what an earlier build left (tsc's output of older versions among it) must not linger
rmSync(outdir, { recursive: true, force: true });
await build({
  ...common,
  entryPoints: { 'klp-selftest': `${root}/harness/cli.ts`, 'explore-worker': `${root}/harness/explore/worker.ts` },
  plugins: [metaUrlOf, lazyLibraries],
  define: { KLP_BUILD_ID: JSON.stringify(buildId()) },
});
await build({
  ...common,
  entryPoints: Object.fromEntries(LAZY_LIBRARIES.map((name) => [`lib/${name}`, require.resolve(name)])),
});

// bin/code_cache.js reads the CLI's file as latin1, which is exact for ASCII only; esbuild
// writes ASCII (its default charset escapes everything else), and this keeps it so
const cli = readFileSync(`${outdir}/klp-selftest.cjs`);
const wide = cli.findIndex((b) => b > 0x7f);
if (wide >= 0) throw new Error(`build/klp-selftest.cjs: a byte beyond ASCII at offset ${wide}: bin/code_cache.js reads it as latin1`);
