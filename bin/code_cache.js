/**
 * Loading the bundled CLI (build/klp-selftest.cjs, made by scripts/bundle.js) with a V8
 * code cache: the bytecode of every function an earlier run of the same command compiled,
 * so that a start neither parses nor compiles them again. Node 20 offers no such cache for
 * ES modules; vm.Script's cachedData is the supported way for one script.
 *
 * One cache per command (build/cache/<command>.v8), because what `run` compiles is not what
 * `list` does. V8 checks a cache against its source, its own version and its flags and
 * rejects one that does not fit; then the run goes on uncached and writes a fresh one. The
 * cache is written through a temporary file and a rename, so a reader never sees half of
 * one; where build/ cannot be written (a read-only install) there is simply no cache.
 */
'use strict';
const Module = require('node:module');
const { createRequire } = Module;
const { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

/** the file's exports and a save() to call once the command is done */
function loadWithCodeCache(file, cacheFile) {
  // the bundle is ASCII (scripts/bundle.js checks): read as latin1, it becomes a V8 string
  // without UTF-8 decoding
  const source = readFileSync(file, 'latin1');
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // no cache yet: this run makes it
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  const stale = cachedData === undefined || script.cachedDataRejected === true;
  return {
    exports: module.exports,
    save() {
      if (!stale) return;
      const tmp = join(dirname(cacheFile), `.${process.pid}.tmp`);
      try {
        mkdirSync(dirname(cacheFile), { recursive: true });
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFile);
      } catch {
        // a cache is an optimisation: without one every start compiles, as it would anyway
        try {
          unlinkSync(tmp);
        } catch {
          // nothing was written
        }
      }
    },
  };
}

module.exports = { loadWithCodeCache };
