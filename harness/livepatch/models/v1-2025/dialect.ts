/**
 * v1-2025's functions.sh: 6.13's, plus the series' helpers (check_object_patched,
 * disable_lp_nowait, read_module_param, write_module_param).
 */
import type { FunctionsDialect } from '../../../selftest/dialect.js';
import { SYSFS_MODULE_DIR } from '../../../selftest/functions.js';
import { statesApiHelpers } from '../states-api/dialect.js';
import { FUNCTIONS_SH_V6_12 } from '../mainline/dialect.js';
import { stripTrailingNewlines } from '../../../selftest/shell/trailing_newlines.js';

export const dialect: FunctionsDialect = {
  ...FUNCTIONS_SH_V6_12,
  name: 'v1-2025',
  helpers: (kit) => {
    const { ctx, need, disable_lp_nowait, echo_logged } = kit;
    return {
      // functions.sh's check_object_patched, as both states postings have it
      ...statesApiHelpers(kit),
      disable_lp_nowait: ([mod], io) => {
        need([mod], 1, 'disable_lp_nowait MODULE', io);
        disable_lp_nowait(mod, io);
        return 0;
      },
      read_module_param: ([mod, param], io) => {
        need([mod, param], 2, 'read_module_param MODULE PARAM', io);
        const path = `${SYSFS_MODULE_DIR}/${mod}/parameters/${param}`;
        ctx.log(`% cat ${path}`);
        const r = ctx.read(path);
        const val = stripTrailingNewlines(r ?? `cat: ${path}: No such file or directory`);
        // upstream logs $ret here, the global left by the last load or unload, not $val
        if (val !== '') ctx.log(`${mod}:${param}: ${io.shell.getVar('ret') ?? ''}`);
        return 0;
      },
      write_module_param: ([mod, param, val], io) => {
        need([mod, param, val], 3, 'write_module_param MODULE PARAM VALUE', io);
        const path = `${SYSFS_MODULE_DIR}/${mod}/parameters/${param}`;
        echo_logged(path, val, io);
        return 0;
      },
    };
  },
};
