/** klp-selftest list and klp-selftest models: what there is to run */
import { findModel, modelNames, versionsText } from '../models.js';
import { defineCommand, loadAll } from './command.js';

export const list = defineCommand({
  name: 'list',
  summary: 'list suites and their tests',
  args: '[PATH...]',
  positionals: { min: 0, max: Infinity },
  options: {},
  handler({ positionals, io }) {
    for (const suite of loadAll(positionals)) {
      io.out(`${suite.file} (kernel: ${suite.model.name})\n`);
      for (const t of suite.tests) io.out(`  ${String(t.index).padStart(2, '0')} ${t.title}${t.disabled ? ' [disabled]' : ''}\n`);
    }
    return 0;
  },
});

export const models = defineCommand({
  name: 'models',
  summary: 'the kernel models, their versions and test modules',
  args: '',
  positionals: { min: 0, max: 0 },
  options: {},
  handler({ io }) {
    for (const name of modelNames()) {
      const m = findModel(name)!;
      const hi = m.versions[1];
      io.out(`${m.name}: ${m.description}\n  versions: ${versionsText(m)} (default ${hi.join('.')})\n`);
      for (const r of m.releases ?? [{ versions: m.versions, modules: m.modules }]) {
        const [a, b] = r.versions;
        const which = m.releases ? ` (${a.join('.')}${a.join('.') === b.join('.') ? '' : `-${b.join('.')}`})` : '';
        io.out(`  modules${which}: ${[...r.modules.keys()].sort().join(' ')}\n`);
      }
    }
    return 0;
  },
});
