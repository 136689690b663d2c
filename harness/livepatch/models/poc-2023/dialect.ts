/**
 * poc-2023's functions.sh: 6.7's, plus the helpers the POC's speaker tests use
 * (check_object_patched, read_module_param, set_module_param).
 */
import type { FunctionsDialect } from '../../../selftest/dialect.js';
import { SYSFS_MODULE_DIR } from '../../../selftest/functions.js';
import { statesApiHelpers } from '../states-api/dialect.js';
import { FUNCTIONS_SH_V6_7 } from '../mainline/dialect.js';
import { stripTrailingNewlines } from '../../../selftest/shell/trailing_newlines.js';

export const dialect: FunctionsDialect = {
  ...FUNCTIONS_SH_V6_7,
  name: 'poc-2023',
  helpers: (kit) => {
    const { ctx, die, need, loopUntil, setRet, echo_logged } = kit;
    return {
      // functions.sh's check_object_patched, as both states postings have it
      ...statesApiHelpers(kit),
      read_module_param: ([mod, param], io) => {
        need([mod, param], 2, 'read_module_param MODULE PARAM', io);
        const path = `${SYSFS_MODULE_DIR}/${mod}/parameters/${param}`;
        ctx.log(`% cat ${path}`);
        const r = ctx.read(path);
        const ret = setRet(io, stripTrailingNewlines(r ?? `cat: ${path}: No such file or directory`));
        if (ret !== '') die(io, ret);
        return 0;
      },
      set_module_param: ([mod, param, val], io) => {
        need([mod, param, val], 3, 'set_module_param MODULE PARAM VALUE', io);
        const path = `${SYSFS_MODULE_DIR}/${mod}/parameters/${param}`;
        echo_logged(path, val, io);
        if (!loopUntil(() => stripTrailingNewlines(ctx.read(path) ?? '') === val))
          die(io, `failed to set parameter ${param} for ${mod} module to the value ${val}`);
        return 0;
      },
    };
  },
};
